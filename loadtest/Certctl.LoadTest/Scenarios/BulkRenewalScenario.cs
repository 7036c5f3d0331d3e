using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Certctl.LoadTest.Scenarios;

/// <summary>
/// POST {base}/api/v1/certificates/bulk-renew with the filter <c>{ "name_prefix": "loadtest-bulk-" }</c> at a constant rate:
/// every call locks and checks the whole seeded set (10,000 certificates by default), the first one creates a job for each
/// and the later ones skip them all. Thresholds and rate are the original's (5 req/s, p99 &lt; 5 s, p95 &lt; 2 s, errors &lt; 1 %).
/// Seed with <c>seed bulk_renewal</c>; <c>seed bulk_renewal --reset-jobs</c> makes the next run create the jobs again.
/// </summary>
public sealed class BulkRenewalScenario : IScenario
{
    /// <summary>The default filter: the certificates <c>seed bulk_renewal</c> inserts.</summary>
    public const string DefaultNamePrefix = "loadtest-bulk-";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly ScenarioContext context;
    private readonly Uri bulkRenew;
    private readonly Uri probe;
    private readonly byte[] body;
    private readonly BulkRenewTally tally = new();

    public BulkRenewalScenario(ScenarioContext context)
    {
        this.context = context;
        NamePrefix = context.Parameter("name_prefix", DefaultNamePrefix);
        bulkRenew = context.Resolve("api/v1/certificates/bulk-renew");
        probe = context.Resolve($"api/v1/certificates?limit=1&name_prefix={Uri.EscapeDataString(NamePrefix)}");
        body = JsonSerializer.SerializeToUtf8Bytes(new { filter = new { name_prefix = NamePrefix } });
    }

    public string Name => "bulk_renewal";

    public string Description => "POST {base}/api/v1/certificates/bulk-renew, filter name_prefix loadtest-bulk- (--param name_prefix=); API key";

    /// <summary>The filter sent with every call.</summary>
    public string NamePrefix { get; }

    public ScenarioDefaults Defaults { get; } = new(
        Rate: 5,
        Duration: TimeSpan.FromMinutes(5),
        Thresholds: [Threshold.Parse("p99<5s"), Threshold.Parse("p95<2s"), Threshold.Parse("errors<1%")]);

    public HttpRequestMessage CreateRequest(long sequence)
    {
        var request = OperatorApi.Request(HttpMethod.Post, bulkRenew, context.RequireApiKey(Name));
        request.Content = new ByteArrayContent(body) { Headers = { ContentType = Json } };
        return request;
    }

    /// <summary>Checks the key and that the fixture is there: at least one certificate whose name starts with the prefix.</summary>
    public async Task PrepareAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var key = context.RequireApiKey(Name);
        using var page = await OperatorApi.GetListAsync(client, probe, key, cancellationToken);
        if (await OperatorApi.CountItemsAsync(page, cancellationToken) == 0)
        {
            throw new InvalidOperationException(
                $"no certificate's name starts with '{NamePrefix}'; seed them first: dotnet run -c Release --project loadtest/Certctl.LoadTest -- seed bulk_renewal --database \"…\"");
        }
    }

    /// <summary>A 200 whose body carries the counts is fine (and counted); anything else is an error.</summary>
    public async ValueTask<string?> CheckAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ErrorKinds.HttpStatus;
        }

        var counts = BulkRenewCounts.TryParse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        if (counts is null)
        {
            return ErrorKinds.UnexpectedBody;
        }

        tally.Add(counts);
        return null;
    }

    public IReadOnlyList<ResponseCount> ResponseCounts() => tally.Report();
}
