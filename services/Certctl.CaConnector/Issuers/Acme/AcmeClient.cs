using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>
/// The RFC 8555 transport: the directory (read once), a pool of nonces (refilled from every <c>Replay-Nonce</c>, else from
/// <c>newNonce</c>), signed POSTs with one retry per badNonce (§6.5), and problem documents raised as
/// <see cref="AcmeProblemException"/>. Network errors and timeouts are <see cref="IssuerUnavailableException"/>.
/// </summary>
public sealed class AcmeClient(HttpClient http, Uri directoryUrl, TimeProvider time) : IDisposable
{
    /// <summary>How often one request is sent again after a badNonce answer (each time with the fresh nonce it carried).</summary>
    public const int BadNonceRetries = 5;

    private const string JoseJson = "application/jose+json";

    private readonly ConcurrentQueue<string> _nonces = new();
    private AcmeDirectory? _directory;

    public async Task<AcmeDirectory> DirectoryAsync(CancellationToken cancellationToken)
    {
        if (_directory is { } known)
        {
            return known;
        }

        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, directoryUrl), "directory", cancellationToken);
        await EnsureSuccessAsync(response, "directory", cancellationToken);
        return _directory = await ReadAsync<AcmeDirectory>(response, "directory", cancellationToken);
    }

    /// <summary>A signed POST whose answer is the JSON resource <typeparamref name="T"/>; <paramref name="payload"/> null is POST-as-GET.</summary>
    public async Task<AcmeReply<T>> PostAsync<T>(AcmeAccountKey key, string? kid, string url, object? payload, string what, CancellationToken cancellationToken)
    {
        using var response = await PostRawAsync(key, kid, url, payload, "application/json", what, cancellationToken);
        return new AcmeReply<T>(await ReadAsync<T>(response, what, cancellationToken), response.Headers.Location?.ToString(), RetryAfter(response), response.StatusCode);
    }

    /// <summary>POST-as-GET of the certificate URL: the PEM chain, leaf first (§7.4.2).</summary>
    public async Task<string> DownloadCertificateAsync(AcmeAccountKey key, string kid, string url, CancellationToken cancellationToken)
    {
        using var response = await PostRawAsync(key, kid, url, null, "application/pem-certificate-chain", "certificate download", cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public void Dispose() => http.Dispose();

    private async Task<HttpResponseMessage> PostRawAsync(
        AcmeAccountKey key, string? kid, string url, object? payload, string accept, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var nonce = await NonceAsync(cancellationToken);
            var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new ByteArrayContent(key.Sign(url, nonce, kid, payload)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(JoseJson);
            request.Headers.Accept.ParseAdd(accept);
            var response = await SendAsync(request, what, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            try
            {
                await EnsureSuccessAsync(response, what, cancellationToken);
            }
            catch (AcmeProblemException problem) when (problem.Problem.Name == "badNonce" && attempt < BadNonceRetries)
            {
                // The answer carried a fresh nonce (already pooled by SendAsync); the same request goes again with it.
                continue;
            }
            finally
            {
                response.Dispose();
            }
        }
    }

    private async Task<string> NonceAsync(CancellationToken cancellationToken)
    {
        if (_nonces.TryDequeue(out var pooled))
        {
            return pooled;
        }

        var directory = await DirectoryAsync(cancellationToken);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Head, directory.NewNonce), "new nonce", cancellationToken);
        await EnsureSuccessAsync(response, "new nonce", cancellationToken);
        return _nonces.TryDequeue(out var fresh) ? fresh : throw new IssuerUnavailableException("The ACME server's newNonce answered without a Replay-Nonce header.");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw new IssuerUnavailableException($"ACME {what} at {request.RequestUri} failed: {ex.Message}", null, ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new IssuerUnavailableException($"ACME {what} at {request.RequestUri} timed out.", null, ex);
            }

            if (response.Headers.TryGetValues("Replay-Nonce", out var nonces))
            {
                foreach (var nonce in nonces)
                {
                    _nonces.Enqueue(nonce);
                }
            }

            return response;
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        AcmeProblemDocument? problem = null;
        try
        {
            problem = JsonSerializer.Deserialize<AcmeProblemDocument>(body);
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's error page): described by its start below.
        }

        problem = problem is { Type: not null } ? problem : new AcmeProblemDocument(null, body.Length > 300 ? body[..300] : body, null);
        throw new AcmeProblemException(response.StatusCode, problem, RetryAfter(response), what);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken)
                ?? throw new CertificateAuthorityException($"The ACME server answered the {what} with an empty body.");
        }
        catch (JsonException ex)
        {
            throw new CertificateAuthorityException($"The ACME server answered the {what} with a body that does not parse: {ex.Message}", ex);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}

/// <summary>A parsed ACME answer with the headers the flow needs: <c>Location</c> (account and order URLs) and <c>Retry-After</c>.</summary>
public sealed record AcmeReply<T>(T Body, string? Location, TimeSpan? RetryAfter, HttpStatusCode Status);
