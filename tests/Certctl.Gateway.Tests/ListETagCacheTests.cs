using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Certctl.Gateway.Certificates;
using Microsoft.Extensions.DependencyInjection;
using static Certctl.Gateway.Tests.Certificates.CertificateTestData;

namespace Certctl.Gateway.Tests;

/// <summary>
/// The list-tag cache: a repeat poll of an unchanged list is answered without reading the journal; a change made elsewhere
/// reaches it within the staleness bound; this gateway's own writes reach it at once.
/// </summary>
public sealed class ListETagCacheTests(MigratedDatabaseFixture<ListETagCacheTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<ListETagCacheTests>>
{
    private const string Path = "/api/v1/certificates?owner_id=o-bob&name_prefix=etc-";

    [Fact]
    public async Task Repeat_polls_of_an_unchanged_list_are_answered_from_the_cache()
    {
        await InsertAsync(database.ConnectionString, "etc-hit-1", owner: "o-bob", team: "t-security");
        await using var gateway = await StartAsync();
        using var lookups = new LookupCounter(gateway.Services);
        var client = gateway.Client(GatewayHost.BobKey);
        var tag = await TagAsync(client);
        // A precondition, not the behaviour under test: the cache has the tag. On a CI machine busy with other test projects the
        // gateway's first table-version poll can take seconds (a 5 s wait once ran out), so it gets longer than the bounds below.
        await WaitForAsync(async () => await StatusAsync(client, tag) == HttpStatusCode.NotModified && lookups.Hits > 0, TimeSpan.FromSeconds(30));

        var hitsBefore = lookups.Hits;
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.NotModified, await StatusAsync(client, tag));
        }

        // Nothing changed, so the polls found the table's version unchanged: (nearly) all of them were hits.
        Assert.True(lookups.Hits - hitsBefore >= 15, $"only {lookups.Hits - hitsBefore} of 20 repeat polls were cache hits");
    }

    [Fact]
    public async Task A_change_made_elsewhere_reaches_the_cached_tag_within_the_staleness_bound()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "etc-far-1", owner: "o-bob", team: "t-security");
        await using var gateway = await StartAsync();
        var client = gateway.Client(GatewayHost.BobKey);
        var tag = await TagAsync(client);

        // A write outside the set: the tag holds (also once the poller has seen the new table version).
        await InsertAsync(db, "etc-outside", owner: "o-alice");
        await Task.Delay(300);
        Assert.Equal(HttpStatusCode.NotModified, await StatusAsync(client, tag));

        // A write inside the set, by another service (plain SQL here): seen within the bound (100 ms by default; allow for a slow CI).
        await Sql.ExecuteAsync(db, "UPDATE managed_certificates SET status = 'Expiring' WHERE id = 'etc-far-1'");
        var seen = System.Diagnostics.Stopwatch.StartNew();
        await WaitForAsync(async () => await StatusAsync(client, tag) == HttpStatusCode.OK);
        output.WriteLine($"change seen after {seen.ElapsedMilliseconds} ms");
        Assert.NotEqual(tag, await TagAsync(client));
    }

    [Fact]
    public async Task This_gateways_own_write_is_seen_by_the_next_poll_at_once()
    {
        await using var gateway = await StartAsync();
        var client = gateway.Client(GatewayHost.BobKey);
        var tag = await TagAsync(client);
        Assert.Equal(HttpStatusCode.NotModified, await StatusAsync(client, tag));

        using var created = await client.PostAsJsonAsync("/api/v1/certificates", NewCertificate("etc-own-1", new { owner_id = "o-bob" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        // No waiting: the write dropped the cached tags before its response started.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, tag));
    }

    private Task<GatewayHost> StartAsync() => GatewayHost.StartAsync(database.ConnectionString, output,
        api => api.MapCertificateEndpoints(),
        new Dictionary<string, string?> { ["CERTCTL_LIST_ETAG_REFRESH_MS"] = "20", ["CERTCTL_LIST_ETAG_MAX_STALENESS_MS"] = "1000" });

    private static async Task<string> TagAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag?.Tag ?? throw new Xunit.Sdk.XunitException("The list answered without an ETag.");
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.TryAddWithoutValidation("If-None-Match", tag);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var bound = within ?? TimeSpan.FromSeconds(5);
        var deadline = DateTime.UtcNow + bound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the condition did not hold within {bound.TotalSeconds:0} s");
            await Task.Delay(10);
        }
    }

    /// <summary>Counts this gateway's cache hits (its own meter factory: other tests' gateways are not counted).</summary>
    private sealed class LookupCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _hits;

        public LookupCounter(IServiceProvider services)
        {
            var factory = services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "certctl.gateway.list_etag.lookups" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag is { Key: "result", Value: "hit" })
                    {
                        Interlocked.Add(ref _hits, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Hits => Interlocked.Read(ref _hits);

        public void Dispose() => _listener.Dispose();
    }
}
