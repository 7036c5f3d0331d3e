namespace Certctl.Issuance;

/// <summary>The requested lifetime (TTL) is not one the CA can issue.</summary>
public sealed class InvalidValidityException(string message)
    : IssuanceRejectedException(message)
{
    public override IssuanceRejection Reason => IssuanceRejection.InvalidValidity;
}
