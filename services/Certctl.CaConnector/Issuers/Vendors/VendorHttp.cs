using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.Vendors;

/// <summary>
/// The HTTP rules every commercial CA connector shares: the vendor's authentication on each request; network errors,
/// timeouts, 429 and 5xx are transient (<see cref="IssuerUnavailableException"/>, with the Retry-After); 401/403 mean the
/// credentials are refused (<see cref="CertificateAuthorityException"/>: an operator must act); any other 4xx is the CA
/// refusing the request (<see cref="IssuerRejectedException"/>).
/// </summary>
public sealed class VendorHttp(HttpClient http, TimeProvider time, string vendor, Action<HttpRequestMessage> authenticate, Func<string, string?> describeError)
{
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        authenticate(request);
        request.Headers.Accept.ParseAdd("application/json");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new IssuerUnavailableException($"{vendor} {what} failed: {ex.Message}", null, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IssuerUnavailableException($"{vendor} {what} timed out.", null, ex);
        }
    }

    /// <summary>Throws by the rules above unless the answer is a success.</summary>
    public async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var code = (int)response.StatusCode;
        var detail = await ErrorTextAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests || code >= 500)
        {
            throw new IssuerUnavailableException($"{vendor} {what} answered {code}: {detail}", RetryAfter(response));
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new CertificateAuthorityException($"{vendor} refused the API credentials on {what} ({code}): {detail}");
        }

        throw new IssuerRejectedException($"{vendor} refused the {what} ({code}): {detail}");
    }

    /// <summary>True for a 4xx that refuses the request itself (not 401/403/429), which a poll treats as the order's end.</summary>
    public static bool IsRefusal(HttpResponseMessage response) => (int)response.StatusCode is >= 400 and < 500 and not (401 or 403 or 429);

    /// <exception cref="CertificateAuthorityException">The body is not the JSON expected.</exception>
    public async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new CertificateAuthorityException($"{vendor} answered with a body that does not parse: {ex.Message}", ex);
        }
    }

    /// <summary>The vendor's error message when its body has one, else the start of the body.</summary>
    public async Task<string> ErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            if (describeError(text) is { Length: > 0 } described)
            {
                return described;
            }
        }
        catch (JsonException)
        {
            // Not the vendor's error shape (a proxy's page): report the start of the text instead.
        }

        return text.Length > 300 ? text[..300] : text;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}
