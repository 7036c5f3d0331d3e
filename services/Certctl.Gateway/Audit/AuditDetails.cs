using System.Text.Json;
using System.Text.Json.Serialization;

namespace Certctl.Gateway.Audit;

/// <summary>The <c>details</c> of an API-call audit row: method, path (never the query string) and route template.</summary>
public sealed record AuditDetails(
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("route")] string? Route)
{
    /// <summary>The JSON object stored in <c>audit_events.details</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);
}
