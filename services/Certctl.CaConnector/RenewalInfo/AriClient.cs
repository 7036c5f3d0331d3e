using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Certctl.CaConnector.RenewalInfo;

/// <summary>
/// The HTTP side of ARI: the issuer's directory (its <c>renewalInfo</c> URL, cached per issuer) and the unauthenticated GET of
/// <c>renewalInfo/{certID}</c>, each bounded by the issuer's <c>ari_http_timeout_seconds</c>. Every failure becomes an answer, never an exception.
/// </summary>
public sealed class AriClient(AriHttpClients clients, TimeProvider time)
{
    /// <summary>How long a directory that offers <c>renewalInfo</c> is trusted before it is read again.</summary>
    public static readonly TimeSpan DirectoryLifetime = TimeSpan.FromHours(1);

    /// <summary>How long "this CA's directory has no renewalInfo" is remembered: the default poll interval.</summary>
    public static readonly TimeSpan UnsupportedLifetime = AriSchedule.DefaultRetryAfter;

    private readonly ConcurrentDictionary<string, CachedDirectory> _directories = new(StringComparer.Ordinal);

    /// <summary>The issuer's renewalInfo base URL, or the answer every certificate of the issuer gets when there is none.</summary>
    public async Task<(string? RenewalInfoUrl, RenewalInfoAnswer? Failure)> RenewalInfoUrlAsync(
        string issuerId, AcmeAriConfiguration configuration, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_directories.TryGetValue(issuerId, out var cached) && cached.DirectoryUrl == configuration.DirectoryUrl && now < cached.Until)
        {
            return cached.RenewalInfoUrl is null ? (null, RenewalInfoAnswer.NotSupported(cached.Reason!)) : (cached.RenewalInfoUrl, null);
        }

        var (response, failure) = await GetAsync(configuration, configuration.DirectoryUrl!, "the directory", cancellationToken);
        if (response is null)
        {
            return (null, failure);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                return (null, Refused(response, "the directory"));
            }

            string? renewalInfo;
            try
            {
                using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
                renewalInfo = body.RootElement.ValueKind == JsonValueKind.Object
                    && body.RootElement.TryGetProperty("renewalInfo", out var url) && url.ValueKind == JsonValueKind.String
                        ? url.GetString()
                        : null;
            }
            catch (JsonException ex)
            {
                return (null, RenewalInfoAnswer.Error($"The directory at {configuration.DirectoryUrl} is not JSON: {ex.Message}"));
            }

            if (renewalInfo is null || !Uri.TryCreate(renewalInfo, UriKind.Absolute, out _))
            {
                var reason = $"The directory at {configuration.DirectoryUrl} offers no renewalInfo (the CA does not support ARI).";
                _directories[issuerId] = new CachedDirectory(configuration.DirectoryUrl!, null, reason, now + UnsupportedLifetime);
                return (null, RenewalInfoAnswer.NotSupported(reason));
            }

            _directories[issuerId] = new CachedDirectory(configuration.DirectoryUrl!, renewalInfo, null, now + DirectoryLifetime);
            return (renewalInfo, null);
        }
    }

    /// <summary>GETs <c>{renewalInfoUrl}/{certId}</c> and reads the RenewalInfo object (RFC 9773 §4.2).</summary>
    public async Task<RenewalInfoAnswer> GetAsync(string renewalInfoUrl, string certId, AcmeAriConfiguration configuration, CancellationToken cancellationToken)
    {
        var (response, failure) = await GetAsync(configuration, renewalInfoUrl.TrimEnd('/') + "/" + certId, "renewalInfo", cancellationToken);
        if (response is null)
        {
            return failure!;
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return RenewalInfoAnswer.NotSupported("The CA has no renewal information for this certificate (404).");
            }

            if (!response.IsSuccessStatusCode)
            {
                return Refused(response, "renewalInfo");
            }

            var retryAfter = RetryAfter(response);
            try
            {
                using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
                return Read(body.RootElement, retryAfter);
            }
            catch (JsonException ex)
            {
                return RenewalInfoAnswer.Error($"The renewalInfo answer is not JSON: {ex.Message}");
            }
        }
    }

    // A window whose end is not after its start is invalid: treated as no answer at all (RFC 9773 §4.2).
    private static RenewalInfoAnswer Read(JsonElement root, TimeSpan? retryAfter)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("suggestedWindow", out var window) || window.ValueKind != JsonValueKind.Object
            || !TryTime(window, "start", out var start) || !TryTime(window, "end", out var end))
        {
            return RenewalInfoAnswer.Error("The renewalInfo answer has no suggestedWindow with RFC 3339 start and end.");
        }

        if (end <= start)
        {
            return RenewalInfoAnswer.Error($"The suggested window ends ({end:O}) before it starts ({start:O}).");
        }

        var explanation = root.TryGetProperty("explanationURL", out var url) && url.ValueKind == JsonValueKind.String
            && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var parsed) && parsed.Scheme is "https" or "http"
                ? url.GetString()
                : null;
        return new RenewalInfoAnswer(AriOutcome.Window, start, end, explanation, retryAfter);
    }

    private static bool TryTime(JsonElement window, string name, out DateTimeOffset value)
    {
        value = default;
        if (!window.TryGetProperty(name, out var text) || text.ValueKind != JsonValueKind.String || !text.TryGetDateTimeOffset(out var parsed))
        {
            return false;
        }

        value = AriSchedule.Microseconds(parsed.ToUniversalTime());
        return true;
    }

    private async Task<(HttpResponseMessage? Response, RenewalInfoAnswer? Failure)> GetAsync(
        AcmeAriConfiguration configuration, string url, string what, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(configuration.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd("application/json");
            // The whole body is read under the timeout: a CA that sends headers and then stalls is as slow as one that sends nothing.
            var response = await clients.For(configuration).SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token);
            return (response, null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, RenewalInfoAnswer.Temporary($"GET {what} timed out after {configuration.Timeout.TotalSeconds:0} s."));
        }
        catch (HttpRequestException ex)
        {
            return (null, RenewalInfoAnswer.Temporary($"GET {what} failed: {ex.Message}"));
        }
        catch (AriConfigurationException ex)
        {
            return (null, RenewalInfoAnswer.Error(ex.Message));
        }
    }

    private RenewalInfoAnswer Refused(HttpResponseMessage response, string what)
    {
        var code = (int)response.StatusCode;
        return response.StatusCode == HttpStatusCode.TooManyRequests || code >= 500
            ? RenewalInfoAnswer.Temporary($"GET {what} answered {code}.", RetryAfter(response))
            : RenewalInfoAnswer.Error($"GET {what} answered {code}.");
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private sealed record CachedDirectory(string DirectoryUrl, string? RenewalInfoUrl, string? Reason, DateTimeOffset Until);
}
