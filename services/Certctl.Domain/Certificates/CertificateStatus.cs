namespace Certctl.Domain;

/// <summary>Where a managed certificate stands in its lifecycle (<c>managed_certificates.status</c>).</summary>
public enum CertificateStatus
{
    Pending,
    Active,
    Expiring,
    Expired,
    RenewalInProgress,
    Failed,
    Revoked,
    Archived,
}
