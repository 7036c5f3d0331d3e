namespace Certctl.Acme.RateLimiting;

/// <summary>The limits the ACME server enforces (each with a configurable rate and burst).</summary>
public enum AcmeRateLimit
{
    /// <summary>New orders per account.</summary>
    NewOrdersPerAccount,

    /// <summary>New accounts per client IP address.</summary>
    NewAccountsPerIp,

    /// <summary>Failed validations per account and identifier.</summary>
    FailedValidationsPerAccountIdentifier,
}
