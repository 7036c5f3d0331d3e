using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Certctl.Acme.Tests;

/// <summary>
/// A minimal RFC 8555 client for tests: reads the directory, fetches nonces, and sends JWS requests it signs for real. Every part
/// of a request can be spoiled on purpose (nonce, url, alg, signature, content type, key reference) to drive the error paths.
/// </summary>
internal sealed class AcmeTestClient(HttpClient http, Uri directoryUrl) : IDisposable
{
    private JsonElement? _directory;

    public HttpClient Http { get; } = http;

    public async Task<JsonElement> DirectoryAsync()
    {
        if (_directory is null)
        {
            using var response = await Http.GetAsync(directoryUrl);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            _directory = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }

        return _directory.Value;
    }

    public async Task<string> Url(string name) => (await DirectoryAsync()).GetProperty(name).GetString()!;

    public async Task<string> NonceAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, await Url("newNonce"));
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.GetValues("Replay-Nonce").Single();
    }

    /// <summary>Registers <paramref name="key"/> and returns its account URL (kid).</summary>
    public async Task<string> NewAccountAsync(TestKey key, object? payload = null)
    {
        using var response = await PostAsync(await Url("newAccount"), key, payload ?? new { termsOfServiceAgreed = true, contact = new[] { "mailto:ops@example.com" } });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!.ToString();
    }

    /// <summary>Signs and posts; <paramref name="kid"/> null means the key goes in as jwk.</summary>
    public async Task<HttpResponseMessage> PostAsync(string url, TestKey key, object? payload, string? kid = null, Spoil? spoil = null)
    {
        spoil ??= new Spoil();
        var nonce = spoil.Nonce ?? await NonceAsync();
        var body = Sign(key, spoil.Url ?? url, spoil.OmitNonce ? null : nonce, kid, payload, spoil);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(spoil.ContentType ?? "application/jose+json");
        return await Http.PostAsync(url, content);
    }

    /// <summary>The flattened JWS JSON bytes.</summary>
    public static byte[] Sign(TestKey key, string url, string? nonce, string? kid, object? payload, Spoil? spoil = null)
    {
        spoil ??= new Spoil();
        var header = new Dictionary<string, object> { ["alg"] = spoil.Alg ?? key.Alg, ["url"] = url };
        if (nonce is not null)
        {
            header["nonce"] = nonce;
        }

        if (kid is not null)
        {
            header["kid"] = kid;
        }

        if (kid is null || spoil.AlsoJwk)
        {
            header["jwk"] = key.Jwk;
        }

        var protectedHeader = TestKey.B64(JsonSerializer.SerializeToUtf8Bytes(header));
        var payloadText = payload switch
        {
            null => string.Empty,
            string raw => TestKey.B64(Encoding.UTF8.GetBytes(raw)),
            _ => TestKey.B64(JsonSerializer.SerializeToUtf8Bytes(payload)),
        };
        var signature = key.Sign(Encoding.ASCII.GetBytes(protectedHeader + "." + payloadText));
        if (spoil.FlipSignature)
        {
            signature[^1] ^= 0x01;
        }

        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["protected"] = protectedHeader, ["payload"] = payloadText, ["signature"] = TestKey.B64(signature),
        });
    }

    public void Dispose() => Http.Dispose();

    /// <summary>What to get wrong in a request.</summary>
    internal sealed record Spoil
    {
        public string? Nonce { get; init; }

        public bool OmitNonce { get; init; }

        public string? Url { get; init; }

        public string? Alg { get; init; }

        public bool FlipSignature { get; init; }

        public string? ContentType { get; init; }

        public bool AlsoJwk { get; init; }
    }
}
