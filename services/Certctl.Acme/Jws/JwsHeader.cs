using System.Text.Json;

namespace Certctl.Acme.Jws;

/// <summary>The protected header members RFC 8555 §6.2 uses: <c>alg</c>, <c>jwk</c> or <c>kid</c>, <c>nonce</c>, <c>url</c>.</summary>
public sealed class JwsHeader
{
    private JwsHeader(string? alg, string? kid, JsonElement? jwk, string? nonce, string? url)
    {
        Alg = alg;
        Kid = kid;
        Jwk = jwk;
        Nonce = nonce;
        Url = url;
    }

    public string? Alg { get; }

    public string? Kid { get; }

    /// <summary>The embedded key, cloned out of the parsed header.</summary>
    public JsonElement? Jwk { get; }

    public string? Nonce { get; }

    public string? Url { get; }

    internal static bool TryParse(byte[] json, out JwsHeader? header, out string? error)
    {
        header = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "protected header is not a JSON object";
                return false;
            }

            if (!TryOptionalString(root, "alg", out var alg) || !TryOptionalString(root, "kid", out var kid)
                || !TryOptionalString(root, "nonce", out var nonce) || !TryOptionalString(root, "url", out var url))
            {
                error = "protected header members alg, kid, nonce and url must be strings";
                return false;
            }

            JsonElement? jwk = root.TryGetProperty("jwk", out var key) ? key.Clone() : null;
            header = new JwsHeader(alg, kid, jwk, nonce, url);
            error = null;
            return true;
        }
        catch (JsonException)
        {
            error = "protected header is not JSON";
            return false;
        }
    }

    private static bool TryOptionalString(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var member))
        {
            return true;
        }

        if (member.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = member.GetString();
        return true;
    }
}
