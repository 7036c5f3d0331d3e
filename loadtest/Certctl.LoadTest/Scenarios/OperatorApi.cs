using System.Net;
using System.Text.Json;

namespace Certctl.LoadTest.Scenarios;

/// <summary>The unmeasured calls scenarios make to the operator API before a run: authorised GETs with readable failures.</summary>
internal static class OperatorApi
{
    /// <summary>A request to <paramref name="uri"/> carrying the key as <c>Authorization: Bearer</c>.</summary>
    public static HttpRequestMessage Request(HttpMethod method, Uri uri, ApiKey key)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = key.Header();
        return request;
    }

    /// <summary>GETs a list page; throws with the reason when the answer is not 200 (a refused key says so).</summary>
    public static async Task<HttpResponseMessage> GetListAsync(HttpClient client, Uri uri, ApiKey key, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, uri, key);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return response;
        }

        var status = (int)response.StatusCode;
        response.Dispose();
        throw new InvalidOperationException(status switch
        {
            401 => $"the gateway refused the API key (401 from GET {uri.PathAndQuery}); check --api-key or {ApiKey.EnvironmentVariable}.",
            403 => $"the API key may not read {uri.AbsolutePath} (403).",
            _ => $"GET {uri.PathAndQuery} answered {status}, not 200.",
        });
    }

    /// <summary>How many items the <c>data</c> array of a list page holds.</summary>
    public static async Task<int> CountItemsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var page = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return page.RootElement.ValueKind == JsonValueKind.Object && page.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
            ? data.GetArrayLength()
            : throw new InvalidOperationException("the list answer has no \"data\" array.");
    }
}
