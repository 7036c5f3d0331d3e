using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Certctl.LoadTest.Scenarios;

namespace Certctl.LoadTest.Draining;

/// <summary>The drain's trigger: one <c>POST {base}/api/v1/certificates/bulk-renew</c> with the filter <c>{ "name_prefix": … }</c>.</summary>
public static class BulkRenewCall
{
    /// <summary>The request body for <paramref name="namePrefix"/>.</summary>
    public static byte[] Body(string namePrefix) => JsonSerializer.SerializeToUtf8Bytes(new { filter = new { name_prefix = namePrefix } });

    /// <summary>Sends the call; returns its counts and duration, or throws with the reason when the answer is not a 200 with counts.</summary>
    public static async Task<DrainTrigger> SendAsync(HttpClient client, Uri baseUrl, ApiKey key, string namePrefix, CancellationToken cancellationToken)
    {
        var uri = new Uri(baseUrl, "api/v1/certificates/bulk-renew");
        using var request = OperatorApi.Request(HttpMethod.Post, uri, key);
        request.Content = new ByteArrayContent(Body(namePrefix)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };
        var clock = Stopwatch.StartNew();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var took = clock.Elapsed;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException((int)response.StatusCode switch
            {
                401 => $"the gateway refused the API key (401 from POST {uri.AbsolutePath}); check --api-key or {ApiKey.EnvironmentVariable}.",
                403 => $"the API key may not bulk-renew (403 from POST {uri.AbsolutePath}).",
                var status => $"POST {uri.AbsolutePath} answered {status}, not 200.",
            });
        }

        var counts = BulkRenewCounts.TryParse(body) ?? throw new InvalidOperationException($"POST {uri.AbsolutePath} answered 200 without the bulk-renew counts.");
        return DrainTrigger.From(counts, took);
    }
}
