using System.Net;

namespace Certctl.Gateway.Tests;

/// <summary>Strong ETags on a polled list backed by the table's change counter: stable, changed by any write, 304 on a match.</summary>
public sealed class ListETagTests(MigratedDatabaseFixture<ListETagTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<ListETagTests>>
{
    [Fact]
    public async Task The_tag_is_strong_and_stable_while_nothing_changes()
    {
        await Sql.SettleTransactionsAsync(database.ConnectionString);
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);

        var first = await GetAsync(client, "/api/v1/agents");
        var second = await GetAsync(client, "/api/v1/agents");

        Assert.False(first.IsWeak);
        Assert.Equal(first.Tag, second.Tag);
    }

    [Fact]
    public async Task A_matching_if_none_match_is_304_with_the_tag_and_an_empty_body_and_skips_the_handler()
    {
        await Sql.SettleTransactionsAsync(database.ConnectionString);
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);
        var tag = (await GetAsync(client, "/api/v1/agents?limit=5")).Tag;
        var handlerRuns = Volatile.Read(ref TestEndpoints.AgentListCalls);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents?limit=5");
        request.Headers.TryAddWithoutValidation("If-None-Match", $"\"other\", W/{tag}");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(tag, response.Headers.ETag?.Tag);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.True(response.Headers.CacheControl is { Private: true, NoCache: true });
        Assert.Equal(handlerRuns, Volatile.Read(ref TestEndpoints.AgentListCalls));
    }

    [Fact]
    public async Task A_stale_tag_gets_the_list_and_the_new_tag()
    {
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents");
        request.Headers.TryAddWithoutValidation("If-None-Match", "\"stale\"");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("INSERT INTO agents (id, name, hostname) VALUES ('a-etag-ins', 'a-etag-ins', 'h')")]
    [InlineData("UPDATE agents SET hostname = 'h2' WHERE id = 'a-etag-base'")]
    [InlineData("DELETE FROM agents WHERE id = 'a-etag-base'")]
    public async Task Any_insert_update_or_delete_in_the_table_changes_the_tag(string change)
    {
        await Sql.ExecuteAsync(database.ConnectionString, "INSERT INTO agents (id, name, hostname) VALUES ('a-etag-base', 'a-etag-base', 'h') ON CONFLICT DO NOTHING");
        await Sql.ExecuteAsync(database.ConnectionString, "DELETE FROM agents WHERE id = 'a-etag-ins'");
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);
        var before = (await GetAsync(client, "/api/v1/agents")).Tag;

        Assert.Equal(1, await Sql.ExecuteAsync(database.ConnectionString, change));

        var after = await GetAsync(client, "/api/v1/agents");
        Assert.NotEqual(before, after.Tag);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents");
        request.Headers.TryAddWithoutValidation("If-None-Match", before);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_statement_that_changes_no_row_or_another_table_keeps_the_tag()
    {
        await Sql.SettleTransactionsAsync(database.ConnectionString);
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);
        var before = (await GetAsync(client, "/api/v1/agents")).Tag;

        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE agents SET hostname = 'x' WHERE id = 'no-such-agent'");
        await Sql.ExecuteAsync(database.ConnectionString, "INSERT INTO teams (id, name) VALUES ('t-etag-elsewhere', 't-etag-elsewhere')");

        Assert.Equal(before, (await GetAsync(client, "/api/v1/agents")).Tag);
    }

    [Fact]
    public async Task Other_filters_and_other_pages_have_other_tags()
    {
        await using var gateway = await StartAsync();
        using var client = gateway.Client(GatewayHost.BobKey);

        var all = (await GetAsync(client, "/api/v1/agents")).Tag;
        var filtered = (await GetAsync(client, "/api/v1/agents?prefix=a-")).Tag;
        var smaller = (await GetAsync(client, "/api/v1/agents?limit=1")).Tag;

        Assert.Equal(3, new[] { all, filtered, smaller }.Distinct().Count());
    }

    [Fact]
    public async Task The_tag_is_the_same_for_every_operator_and_errors_carry_none()
    {
        await Sql.SettleTransactionsAsync(database.ConnectionString);
        await using var gateway = await StartAsync();

        var bob = (await GetAsync(gateway.Client(GatewayHost.BobKey), "/api/v1/agents")).Tag;
        var alice = (await GetAsync(gateway.Client(GatewayHost.AliceKey), "/api/v1/agents")).Tag;
        using var invalid = await gateway.Client(GatewayHost.BobKey).GetAsync("/api/v1/agents?limit=0");

        Assert.Equal(bob, alice);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Null(invalid.Headers.ETag);
    }

    private static async Task<System.Net.Http.Headers.EntityTagHeaderValue> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag ?? throw new Xunit.Sdk.XunitException($"{path} answered without an ETag.");
    }

    private Task<GatewayHost> StartAsync() => GatewayHost.StartAsync(database.ConnectionString, output, TestEndpoints.Map);
}
