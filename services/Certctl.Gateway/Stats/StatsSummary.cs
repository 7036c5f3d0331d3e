using System.Text.Json.Serialization;

namespace Certctl.Gateway.Stats;

/// <summary>The dashboard summary: counts over every row (no page cap), computed in one round trip.</summary>
public sealed record StatsSummary(
    long TotalCertificates,
    IReadOnlyDictionary<string, long> CertificatesByStatus,
    [property: JsonPropertyName("expiring_in_7_days")] long ExpiringIn7Days,
    [property: JsonPropertyName("expiring_in_30_days")] long ExpiringIn30Days,
    long TotalJobs,
    IReadOnlyDictionary<string, long> JobsByStatus,
    long AgentsOnline,
    long AgentsOffline,
    long AgentsRetired,
    DateTimeOffset GeneratedAt);
