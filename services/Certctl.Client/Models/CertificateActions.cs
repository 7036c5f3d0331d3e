namespace Certctl.Client.Models;

/// <summary>The answer to a renew: the queued job.</summary>
public sealed record CertificateRenewalTriggered(string Status, string JobId, string JobType, string JobStatus);

/// <summary>The body of a revoke: an RFC 5280 reason name such as <c>keyCompromise</c>; null means <c>unspecified</c>.</summary>
public sealed record CertificateRevokeRequest(string? Reason = null);

/// <summary>The answer to a revoke.</summary>
public sealed record CertificateRevoked(string Status, string RevocationId, string SerialNumber, string Reason);
