namespace Certctl.Domain;

/// <summary>Which rule placed the start of a renewal window.</summary>
public enum RenewalWindowBasis
{
    DaysBeforeExpiry,
    FractionOfLifetime,
}
