using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Certctl.Acme.Jws;

/// <summary>
/// A flattened JWS JSON serialization (RFC 7515 §7.2.2, the only one RFC 8555 §6.2 allows): <c>protected</c>, <c>payload</c>,
/// <c>signature</c>, and no unprotected header. Parsing checks shape only; nothing here is trusted until the signature verifies.
/// </summary>
public sealed class FlattenedJws
{
    private readonly string _protected;
    private readonly string _payload;

    private FlattenedJws(string protectedHeader, string payload, byte[] signature, JwsHeader header, byte[] payloadBytes)
    {
        _protected = protectedHeader;
        _payload = payload;
        Signature = signature;
        Header = header;
        Payload = payloadBytes;
    }

    public JwsHeader Header { get; }

    /// <summary>The decoded payload; empty for POST-as-GET.</summary>
    public byte[] Payload { get; }

    public byte[] Signature { get; }

    /// <summary>ASCII(<c>protected</c> "." <c>payload</c>), what the signature covers.</summary>
    public byte[] SigningInput() => Encoding.ASCII.GetBytes(string.Concat(_protected, ".", _payload));

    /// <summary>Reads a request body; <paramref name="error"/> says why it is not a flattened JWS.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out FlattenedJws? jws, out string? error)
    {
        jws = null;
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            return TryParse(document.RootElement, out jws, out error);
        }
        catch (JsonException)
        {
            error = "request body is not JSON";
            return false;
        }
    }

    /// <summary>Reads a JWS held in JSON (the key-change payload's inner JWS).</summary>
    public static bool TryParse(JsonElement element, out FlattenedJws? jws, out string? error)
    {
        jws = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "JWS is not a JSON object";
            return false;
        }

        if (element.TryGetProperty("signatures", out _))
        {
            error = "JWS must use the flattened JSON serialization, not the general one";
            return false;
        }

        if (element.TryGetProperty("header", out _))
        {
            error = "JWS must not have an unprotected header";
            return false;
        }

        if (!TryString(element, "protected", out var protectedHeader) || protectedHeader.Length == 0
            || !TryString(element, "payload", out var payload) || !TryString(element, "signature", out var signatureText))
        {
            error = "JWS needs string members protected, payload and signature";
            return false;
        }

        if (!TryDecode(protectedHeader, out var headerBytes) || !TryDecode(payload, out var payloadBytes) || !TryDecode(signatureText, out var signature))
        {
            error = "JWS members must be unpadded base64url";
            return false;
        }

        if (!JwsHeader.TryParse(headerBytes, out var header, out error))
        {
            return false;
        }

        jws = new FlattenedJws(protectedHeader, payload, signature, header!, payloadBytes);
        return true;
    }

    private static bool TryString(JsonElement element, string name, out string value)
    {
        value = string.Empty;
        if (!element.TryGetProperty(name, out var member) || member.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = member.GetString()!;
        return true;
    }

    private static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0)
        {
            return true;
        }

        // Only the alphabet: the decoder would skip whitespace and padding, which RFC 7515 forbids here.
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        if (!Base64Url.IsValid(text))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(text);
        return true;
    }
}
