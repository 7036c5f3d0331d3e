using Certctl.Acme.Http;
using System.Text.Json;
using System.Text.Json.Serialization;
using Certctl.Acme.Protocol;

namespace Certctl.Acme.Orders;

/// <summary>The new-order payload (RFC 8555 §7.4, RFC 9773 §5 <c>replaces</c>).</summary>
public sealed record NewOrderPayload(
    [property: JsonPropertyName("identifiers")] IReadOnlyList<AcmeIdentifier?>? Identifiers,
    [property: JsonPropertyName("notBefore")] string? NotBefore,
    [property: JsonPropertyName("notAfter")] string? NotAfter,
    [property: JsonPropertyName("replaces")] string? Replaces)
{
    /// <summary>The payload; null when it is not a JSON object of this shape.</summary>
    public static NewOrderPayload? Parse(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } json)
        {
            return null;
        }

        try
        {
            return json.Deserialize<NewOrderPayload>(AcmeJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
