using System.Text.Json.Nodes;

namespace Certctl.Client.Models;

/// <summary>One page of a list: <c>{data, next_cursor, limit}</c>; pass <see cref="NextCursor"/> back as <c>cursor</c> until it is null.</summary>
public sealed record InventoryPage<T>(IReadOnlyList<T> Data, string? NextCursor, int Limit);

/// <summary>A team.</summary>
public sealed record Team(string Id, string Name, string Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Body of a team create (id optional) or replace.</summary>
public sealed record TeamRequest(string? Name, string? Description = null, string? Id = null);

/// <summary>An owner.</summary>
public sealed record Owner(string Id, string Name, string Email, string TeamId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Body of an owner create (id optional) or replace.</summary>
public sealed record OwnerRequest(string? Name, string? TeamId, string? Email = null, string? Id = null);

/// <summary>A renewal policy.</summary>
public sealed record RenewalPolicy(
    string Id,
    string Name,
    int RenewalWindowDays,
    decimal? RenewalWindowFraction,
    bool AutoRenew,
    int MaxRetries,
    int RetryIntervalSeconds,
    int[] AlertThresholdsDays,
    Dictionary<string, string[]> AlertChannels,
    Dictionary<string, string> AlertSeverityMap,
    string? CertificateProfileId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of a renewal policy create (id optional) or replace; null fields take the defaults.</summary>
public sealed record RenewalPolicyRequest(
    string? Name,
    int? RenewalWindowDays = null,
    decimal? RenewalWindowFraction = null,
    bool? AutoRenew = null,
    int? MaxRetries = null,
    int? RetryIntervalSeconds = null,
    int[]? AlertThresholdsDays = null,
    Dictionary<string, string[]>? AlertChannels = null,
    Dictionary<string, string>? AlertSeverityMap = null,
    string? CertificateProfileId = null,
    string? Id = null);

/// <summary>A key algorithm a profile allows and its smallest size in bits.</summary>
public sealed record KeyAlgorithmRule(string Algorithm, int MinSize);

/// <summary>A certificate profile.</summary>
public sealed record CertificateProfile(
    string Id,
    string Name,
    string Description,
    KeyAlgorithmRule[] AllowedKeyAlgorithms,
    int MaxTtlSeconds,
    string[] AllowedEkus,
    string[] RequiredSanPatterns,
    string SpiffeUriPattern,
    bool AllowShortLived,
    bool MustStaple,
    string[] RequiredCsrAttributes,
    string AcmeAuthMode,
    bool AcmeAllowPrivateAddresses,
    bool RequiresApproval,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of a profile create (id optional) or replace; null fields take the defaults.</summary>
public sealed record CertificateProfileRequest(
    string? Name,
    string? Description = null,
    KeyAlgorithmRule[]? AllowedKeyAlgorithms = null,
    int? MaxTtlSeconds = null,
    string[]? AllowedEkus = null,
    string[]? RequiredSanPatterns = null,
    string? SpiffeUriPattern = null,
    bool? AllowShortLived = null,
    bool? MustStaple = null,
    string[]? RequiredCsrAttributes = null,
    string? AcmeAuthMode = null,
    bool? AcmeAllowPrivateAddresses = null,
    bool? RequiresApproval = null,
    bool? Enabled = null,
    string? Id = null);

/// <summary>An issuer; <see cref="Config"/> is redacted (secrets show as <c>********</c>).</summary>
public sealed record Issuer(
    string Id,
    string Name,
    string Type,
    JsonObject Config,
    bool Enabled,
    DateTimeOffset? LastTestedAt,
    string TestStatus,
    string Source,
    string HierarchyMode,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of an issuer create (id optional) or replace; on replace a <c>********</c> config value keeps the stored secret.</summary>
public sealed record IssuerRequest(string? Name, string? Type, JsonObject? Config = null, bool? Enabled = null, string? HierarchyMode = null, string? Id = null);
