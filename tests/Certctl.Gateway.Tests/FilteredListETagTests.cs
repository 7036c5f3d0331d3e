using System.Net;
using Certctl.Gateway.Caching;
using Certctl.Gateway.Bulk;
using Certctl.Gateway.Certificates;
using Certctl.Gateway.Jobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using static Certctl.Gateway.Tests.Certificates.CertificateTestData;

namespace Certctl.Gateway.Tests;

/// <summary>
/// List ETags per filtered set (the change journals of migration 0008): a write that touches the rows a list's filter selects
/// changes the tag, whether the row enters, leaves or changes in the set; a write outside the set keeps it, and so does a 304.
/// </summary>
public sealed class FilteredListETagTests(MigratedDatabaseFixture<FilteredListETagTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<FilteredListETagTests>>
{
    [Fact]
    public async Task Certificates_a_change_outside_the_filter_keeps_the_tag_and_entering_changing_leaving_change_it()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "etf-in-1", owner: "o-bob", team: "t-security");
        await InsertAsync(db, "etf-out-1");
        await using var gateway = await StartAsync();
        var list = new TaggedList(gateway.Client(GatewayHost.BobKey), "/api/v1/certificates?owner_id=o-bob&name_prefix=etf-");

        await list.KeepsTagAfterAsync(db, "UPDATE managed_certificates SET status = 'Failed', expires_at = now() WHERE id = 'etf-out-1'");
        await list.KeepsTagAfterAsync(db, "INSERT INTO managed_certificates (id, name, common_name, issuer_id, owner_id) VALUES ('etf-out-2', 'etf-out-2', 'x', 'iss-local', 'o-alice')");
        await list.KeepsTagAfterAsync(db, "INSERT INTO managed_certificates (id, name, common_name, issuer_id, owner_id) VALUES ('other-3', 'other-3', 'x', 'iss-local', 'o-bob')");
        await list.ChangesTagAfterAsync(db, "UPDATE managed_certificates SET status = 'Expiring' WHERE id = 'etf-in-1'");
        await list.ChangesTagAfterAsync(db, "UPDATE managed_certificates SET owner_id = 'o-bob' WHERE id = 'etf-out-1'");
        await list.ChangesTagAfterAsync(db, "UPDATE managed_certificates SET owner_id = 'o-alice' WHERE id = 'etf-in-1'");
        await list.ChangesTagAfterAsync(db, "INSERT INTO managed_certificates (id, name, common_name, issuer_id, owner_id) VALUES ('etf-in-4', 'etf-in-4', 'x', 'iss-local', 'o-bob')");
        await list.ChangesTagAfterAsync(db, "DELETE FROM managed_certificates WHERE id = 'etf-in-4'");
    }

    [Fact]
    public async Task Certificates_a_target_mapping_change_changes_the_tag_of_the_sets_showing_the_certificate()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "etm-1", owner: "o-bob", team: "t-security");
        await InsertAsync(db, "etm-2");
        await Sql.ExecuteAsync(db, "INSERT INTO deployment_targets (id, name, type, agent_id) VALUES ('tgt-etm', 'tgt-etm', 'NGINX', 'server-scanner') ON CONFLICT DO NOTHING");
        await using var gateway = await StartAsync();
        var list = new TaggedList(gateway.Client(GatewayHost.BobKey), "/api/v1/certificates?owner_id=o-bob&name_prefix=etm-");

        await list.KeepsTagAfterAsync(db, "INSERT INTO certificate_target_mappings (certificate_id, target_id) VALUES ('etm-2', 'tgt-etm')");
        await list.ChangesTagAfterAsync(db, "INSERT INTO certificate_target_mappings (certificate_id, target_id) VALUES ('etm-1', 'tgt-etm')");
        await list.ChangesTagAfterAsync(db, "DELETE FROM certificate_target_mappings WHERE certificate_id = 'etm-1'");
    }

    [Fact]
    public async Task Jobs_agents_audit_and_discovery_tags_follow_their_filtered_sets()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "etj-1");
        await InsertAsync(db, "etj-2");
        await Sql.ExecuteAsync(db, """
            INSERT INTO agents (id, name, hostname, status) VALUES ('a-et-on', 'a-et-on', 'h', 'Online'), ('a-et-off', 'a-et-off', 'h', 'Offline');
            INSERT INTO jobs (id, type, certificate_id, status) VALUES ('job-et-1', 'Renewal', 'etj-1', 'Pending'), ('job-et-2', 'Renewal', 'etj-2', 'Pending');
            """);
        await using var gateway = await StartAsync();
        var client = gateway.Client(GatewayHost.BobKey);

        var jobs = new TaggedList(client, "/api/v1/jobs?certificate_id=etj-1");
        await jobs.KeepsTagAfterAsync(db, "UPDATE jobs SET status = 'Running' WHERE id = 'job-et-2'");
        await jobs.ChangesTagAfterAsync(db, "UPDATE jobs SET status = 'Running' WHERE id = 'job-et-1'");

        var online = new TaggedList(client, "/api/v1/agents?status=Online&os=et-os");
        await Sql.ExecuteAsync(db, "UPDATE agents SET os = 'et-os' WHERE id IN ('a-et-on', 'a-et-off')");
        await online.RefreshAsync();
        await online.KeepsTagAfterAsync(db, "UPDATE agents SET last_heartbeat_at = now() WHERE id = 'a-et-off'");
        await online.ChangesTagAfterAsync(db, "UPDATE agents SET last_heartbeat_at = now() WHERE id = 'a-et-on'");
        await online.ChangesTagAfterAsync(db, "UPDATE agents SET retired_at = now() WHERE id = 'a-et-on'");

        var audit = new TaggedList(client, "/api/v1/audit?actor=et-carol");
        await audit.KeepsTagAfterAsync(db, "INSERT INTO audit_events (actor, actor_type, action, resource_type) VALUES ('et-dave', 'User', 'x', 'y')");
        await audit.ChangesTagAfterAsync(db, "INSERT INTO audit_events (actor, actor_type, action, resource_type) VALUES ('et-carol', 'User', 'x', 'y')");

        var discovered = new TaggedList(client, "/api/v1/discovery/certificates?agent_id=a-et-on");
        await discovered.KeepsTagAfterAsync(db, "INSERT INTO discovered_certificates (id, fingerprint_sha256, source_path, agent_id) VALUES ('dc-et-1', 'fp1', '/p', 'a-et-off')");
        await discovered.ChangesTagAfterAsync(db, "INSERT INTO discovered_certificates (id, fingerprint_sha256, source_path, agent_id) VALUES ('dc-et-2', 'fp2', '/p', 'a-et-on')");
    }

    [Fact]
    public async Task A_transaction_that_commits_after_a_younger_one_still_changes_the_tag()
    {
        // Journal versions are transaction ids (migration 0014), which are not in commit order: the older transaction's row has
        // the lower version but becomes visible last. Its commit must still move the tag of the set it touched.
        var db = database.ConnectionString;
        await InsertAsync(db, "etx-1", owner: "o-bob", team: "t-security");
        await InsertAsync(db, "etx-2", owner: "o-bob", team: "t-security");
        await using var gateway = await StartAsync();
        var list = new TaggedList(gateway.Client(GatewayHost.BobKey), "/api/v1/certificates?owner_id=o-bob&name_prefix=etx-");
        await list.SettleAsync(db);

        await using var older = new NpgsqlConnection(db);
        await older.OpenAsync();
        await using var transaction = await older.BeginTransactionAsync();
        await using (var update = new NpgsqlCommand("UPDATE managed_certificates SET status = 'Expiring' WHERE id = 'etx-1'", older, transaction))
        {
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        await list.ChangesTagAfterAsync(db, "UPDATE managed_certificates SET status = 'Expiring' WHERE id = 'etx-2'");
        await list.KeepsTagAfterAsync(db, "UPDATE managed_certificates SET status = 'Failed' WHERE id = 'etx-no-such'", expectChange: false, settle: false);
        await transaction.CommitAsync();
        await list.ChangesTagAfterCommitAsync();
    }

    [Fact]
    public async Task Pruning_keeps_whole_versions_and_never_leaves_a_stale_tag()
    {
        var db = database.ConnectionString;
        await InsertAsync(db, "etp-in", owner: "o-bob", team: "t-security");
        await Sql.ExecuteAsync(db, """
            INSERT INTO managed_certificates (id, name, common_name, issuer_id)
            SELECT 'etp-out-' || g, 'etp-out-' || g, 'x', 'iss-local' FROM generate_series(1, 150) AS g
            """);
        for (var i = 0; i < 30; i++)
        {
            await Sql.ExecuteAsync(db, "UPDATE managed_certificates SET environment = $1 WHERE id = 'etp-out-1'", $"e{i}");
        }

        await using var gateway = await StartAsync();
        var list = new TaggedList(gateway.Client(GatewayHost.BobKey), "/api/v1/certificates?owner_id=o-bob&name_prefix=etp-");
        var pruner = new ChangeJournalPruner(
            NpgsqlDataSource.Create(db), Options.Create(new ChangeJournalOptions { RowsKept = 100 }), TimeProvider.System,
            NullLogger<ChangeJournalPruner>.Instance);

        Assert.True(await pruner.PruneAsync(CancellationToken.None) > 0);

        // The 150-row insert is one version: the cut takes it whole, so fewer rows than the limit may remain, never part of it.
        var left = await Sql.RowsAsync(db, "SELECT version, count(*) AS n FROM managed_certificates_changes GROUP BY version");
        Assert.True(left.Sum(row => (long)row["n"]!) <= 100);
        var horizon = await Sql.ScalarAsync<long>(db, "SELECT horizon FROM table_versions WHERE table_name = 'managed_certificates'");
        Assert.All(left, row => Assert.True((long)row["version"]! > horizon));

        // The set's last change was pruned: its tag may move once (to the horizon), then holds, and the next change moves it.
        await list.RefreshAsync();
        await list.KeepsTagAfterAsync(db, "UPDATE managed_certificates SET environment = 'later' WHERE id = 'etp-out-2'");
        Assert.Equal(0, await pruner.PruneAsync(CancellationToken.None));
        await list.ChangesTagAfterAsync(db, "UPDATE managed_certificates SET environment = 'later' WHERE id = 'etp-in'");
    }

    private Task<GatewayHost> StartAsync() => GatewayHost.StartAsync(database.ConnectionString, output, api =>
    {
        api.MapCertificateEndpoints();
        api.MapOperationsEndpoints();
        api.MapFleetEndpoints();
    });

    /// <summary>A list URL and the tag it last answered with.</summary>
    private sealed class TaggedList(HttpClient client, string path)
    {
        private string? _tag;

        public async Task RefreshAsync() => _tag = await TagAsync();

        /// <summary>Takes the tag once every earlier transaction has ended (see <see cref="Sql.SettleTransactionsAsync"/>).</summary>
        public async Task SettleAsync(string connectionString)
        {
            await Sql.SettleTransactionsAsync(connectionString);
            await RefreshAsync();
        }

        /// <summary>
        /// After <paramref name="sql"/> the tag is the same and If-None-Match with it is a 304. The tag is taken after settling,
        /// unless <paramref name="settle"/> is false (a transaction the test holds open would keep it from settling).
        /// </summary>
        public async Task KeepsTagAfterAsync(string connectionString, string sql, bool expectChange = true, bool settle = true)
        {
            if (settle)
            {
                await SettleAsync(connectionString);
            }

            _tag ??= await TagAsync();
            var rows = await Sql.ExecuteAsync(connectionString, sql);
            Assert.True(!expectChange || rows > 0, $"'{sql}' changed no row");
            Assert.True(_tag == await TagAsync(), $"{path}: the tag changed after a write outside the set: {sql}");
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("If-None-Match", _tag);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        }

        /// <summary>After <paramref name="sql"/> the tag differs and If-None-Match with the old one gets the full list.</summary>
        public async Task ChangesTagAfterAsync(string connectionString, string sql)
        {
            _tag ??= await TagAsync();
            Assert.True(await Sql.ExecuteAsync(connectionString, sql) > 0, $"'{sql}' changed no row");
            var after = await TagAsync();
            Assert.True(_tag != after, $"{path}: the tag stayed after a write in the set: {sql}");
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("If-None-Match", _tag);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            _tag = after;
        }

        /// <summary>A write committed elsewhere (not by SQL given here) changed the set: the tag differs and the old one gets the full list.</summary>
        public async Task ChangesTagAfterCommitAsync()
        {
            var after = await TagAsync();
            Assert.True(_tag != after, $"{path}: the tag stayed after a commit in the set");
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.TryAddWithoutValidation("If-None-Match", _tag);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            _tag = after;
        }

        private async Task<string> TagAsync()
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return response.Headers.ETag?.Tag ?? throw new Xunit.Sdk.XunitException($"{path} answered without an ETag.");
        }
    }
}
