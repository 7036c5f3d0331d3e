using System.Text.Json.Serialization;

namespace Certctl.Gateway.Paging;

/// <summary>The one list response shape: <c>{ "data": [...], "next_cursor": "…" | null, "limit": 50 }</c>.</summary>
public sealed record Page<T>(
    [property: JsonPropertyName("data")] IReadOnlyList<T> Data,
    [property: JsonPropertyName("next_cursor"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor,
    [property: JsonPropertyName("limit")] int Limit);
