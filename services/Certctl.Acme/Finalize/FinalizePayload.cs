using Certctl.Acme.Http;
using System.Text.Json;
using System.Text.Json.Serialization;
using Certctl.Acme.Orders;

namespace Certctl.Acme.Finalize;

/// <summary>The finalize payload: <c>{"csr": base64url(DER PKCS#10)}</c>.</summary>
public sealed record FinalizePayload([property: JsonPropertyName("csr")] string? Csr)
{
    /// <summary>The payload; null when it is not a JSON object.</summary>
    public static FinalizePayload? Parse(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } json)
        {
            return null;
        }

        try
        {
            return json.Deserialize<FinalizePayload>(AcmeJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
