namespace Certctl.Client.Models;

/// <summary>Certificate filter of a bulk operation; every field set narrows the match.</summary>
public sealed record BulkCertificateFilter(
    string? Status = null, string? IssuerId = null, string? OwnerId = null, string? TeamId = null, string? ProfileId = null, string? NamePrefix = null);

/// <summary>Body of a bulk renew: ids, a filter, or both (intersected).</summary>
public sealed record BulkRenewRequest(string[]? CertificateIds = null, BulkCertificateFilter? Filter = null);

/// <summary>Body of a bulk revoke (admin): a required RFC 5280 reason name plus the criteria.</summary>
public sealed record BulkRevokeRequest(string Reason, string[]? CertificateIds = null, BulkCertificateFilter? Filter = null);

/// <summary>Body of a bulk reassign.</summary>
public sealed record BulkReassignRequest(string[] CertificateIds, string OwnerId, string? TeamId = null);

/// <summary>Counts of a bulk renew; <c>JobIds</c> lists at most 1,000 of the created jobs (<c>JobIdsTruncated</c> says so).</summary>
public sealed record BulkRenewResult(int Matched, int Created, Dictionary<string, int> Skipped, int Failed, string[] JobIds, bool JobIdsTruncated);

/// <summary>Counts of a bulk revoke.</summary>
public sealed record BulkRevokeResult(int Matched, int Revoked, Dictionary<string, int> Skipped, int Failed, string Reason);

/// <summary>Counts of a bulk reassign.</summary>
public sealed record BulkReassignResult(int Matched, int Reassigned, Dictionary<string, int> Skipped, int Failed);
