using System.Net;

namespace Certctl.LoadTest.Scenarios;

/// <summary>
/// GET {base}/api/v1/certificates?limit=100 (plus any filters given as <c>--param</c>) at a constant rate, against the
/// 100,000 certificates of <c>seed certificate_list</c>. With <c>--if-none-match</c> it first fetches the page's ETag and then
/// sends it with every request, so each one measures the 304 path (the ETag check without the list query); a 200 in that
/// mode means the list changed, and the new tag is used from then on.
/// </summary>
public sealed class CertificateListScenario : IScenario
{
    /// <summary>The list filters a run may set with <c>--param name=value</c>, passed through as query parameters.</summary>
    public static readonly IReadOnlyList<string> Filters =
        ["status", "issuer_id", "owner_id", "team_id", "profile_id", "name_prefix", "expires_before", "expires_after", "sort"];

    private readonly ScenarioContext context;
    private readonly ListResponseTally tally = new();
    private volatile string? etag;

    public CertificateListScenario(ScenarioContext context)
    {
        this.context = context;
        Revalidating = context.Flag(LoadOptions.IfNoneMatchParameter);
        ListUri = context.Resolve("api/v1/certificates?" + Query(context));
        Defaults = new ScenarioDefaults(
            Rate: 50,
            Duration: TimeSpan.FromMinutes(5),
            Thresholds: [Threshold.Parse(Revalidating ? "p95<3ms" : "p95<20ms"), Threshold.Parse("errors<1%")]);
    }

    public string Name => "certificate_list";

    public string Description =>
        "GET {base}/api/v1/certificates?limit=100 (--param status=, team_id=, …); --if-none-match: the 304 path (p95<3ms); API key";

    public ScenarioDefaults Defaults { get; }

    /// <summary>Whether requests carry If-None-Match (the 304 path is measured).</summary>
    public bool Revalidating { get; }

    /// <summary>The page every request asks for.</summary>
    public Uri ListUri { get; }

    /// <summary>The tag sent as If-None-Match; null until <see cref="PrepareAsync"/> fetched it (and always without <c>--if-none-match</c>).</summary>
    public string? ETag => etag;

    public HttpRequestMessage CreateRequest(long sequence)
    {
        var request = OperatorApi.Request(HttpMethod.Get, ListUri, context.RequireApiKey(Name));
        if (Revalidating && etag is { } tag)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", tag);
        }

        return request;
    }

    /// <summary>Checks the key with one GET of the page; in revalidating mode keeps its ETag (and fails when there is none).</summary>
    public async Task PrepareAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var page = await OperatorApi.GetListAsync(client, ListUri, context.RequireApiKey(Name), cancellationToken);
        if (Revalidating)
        {
            etag = page.Headers.ETag?.ToString()
                ?? throw new InvalidOperationException($"GET {ListUri.PathAndQuery} answered without an ETag, so there is no 304 path to measure.");
        }
    }

    /// <summary>200 and (when revalidating) 304 are fine and counted; a 304 nobody asked for and every status of 400 or more are errors.</summary>
    public ValueTask<string?> CheckAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? error = null;
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                tally.FullPage(Revalidating);
                if (Revalidating && response.Headers.ETag is { } fresh)
                {
                    etag = fresh.ToString();
                }

                break;
            case HttpStatusCode.NotModified when Revalidating:
                tally.NotModified();
                break;
            default:
                error = ErrorKinds.HttpStatus;
                break;
        }

        return ValueTask.FromResult(error);
    }

    public IReadOnlyList<ResponseCount> ResponseCounts() => tally.Report(Revalidating);

    /// <summary>The query string: <c>limit</c> (default 100) and every filter given, escaped, in a fixed order.</summary>
    public static string Query(ScenarioContext context) =>
        string.Join('&', new[] { "limit" }.Concat(Filters)
            .Select(name => (name, value: name == "limit" ? context.Parameter("limit", "100") : context.Parameter(name, string.Empty)))
            .Where(pair => pair.value.Length > 0)
            .Select(pair => $"{pair.name}={Uri.EscapeDataString(pair.value)}"));
}
