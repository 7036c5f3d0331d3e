using System.Text.Json.Serialization;

namespace Certctl.Gateway.Bulk;

/// <summary>Certificate filter of a bulk operation; every field sent narrows the match (AND).</summary>
public sealed record BulkCertificateFilter(
    string? Status, string? IssuerId, string? OwnerId, string? TeamId, string? ProfileId, string? NamePrefix);

/// <summary>Body of <c>POST /certificates/bulk-renew</c>: ids, a filter, or both (intersected); at least one criterion.</summary>
public sealed record BulkRenewRequest(string[]? CertificateIds, BulkCertificateFilter? Filter);

/// <summary>Body of <c>POST /certificates/bulk-revoke</c>: a required RFC 5280 reason name plus the criteria.</summary>
public sealed record BulkRevokeRequest(string? Reason, string[]? CertificateIds, BulkCertificateFilter? Filter);

/// <summary>Body of <c>POST /certificates/bulk-reassign</c>: the certificates and their new owner (and, optionally, team).</summary>
public sealed record BulkReassignRequest(string[]? CertificateIds, string? OwnerId, string? TeamId);

/// <summary>
/// The answer to a bulk renew. <c>matched</c> counts existing certificates that met the criteria; <c>skipped</c> counts by reason,
/// including ids that were sent but not found; <c>job_ids</c> lists at most <see cref="BulkRenewal.MaxListedJobs"/> of the created jobs.
/// </summary>
public sealed record BulkRenewResult(
    int Matched,
    int Created,
    IReadOnlyDictionary<string, int> Skipped,
    int Failed,
    IReadOnlyList<string> JobIds,
    [property: JsonPropertyName("job_ids_truncated")] bool JobIdsTruncated);

/// <summary>The answer to a bulk revoke.</summary>
public sealed record BulkRevokeResult(int Matched, int Revoked, IReadOnlyDictionary<string, int> Skipped, int Failed, string Reason);

/// <summary>The answer to a bulk reassign.</summary>
public sealed record BulkReassignResult(int Matched, int Reassigned, IReadOnlyDictionary<string, int> Skipped, int Failed);
