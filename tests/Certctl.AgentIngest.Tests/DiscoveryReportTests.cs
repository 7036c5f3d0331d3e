using System.Net;
using System.Net.Http.Json;

namespace Certctl.AgentIngest.Tests;

/// <summary>Discovery reports: a scan row per report, upsert by (fingerprint, agent, path), triage status kept.</summary>
public sealed class DiscoveryReportTests(MigratedDatabaseFixture<DiscoveryReportTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<DiscoveryReportTests>>
{
    [Fact]
    public async Task A_second_report_updates_last_seen_and_keeps_the_triage_status()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var agent = await Fleet.RegisterAsync(host, "disc-agent");
        using var client = host.Client(agent.Token);
        var report = new
        {
            directories = new[] { "/etc/ssl" },
            certificates = new[]
            {
                Found("AA11", "/etc/ssl/a.pem"),
                Found("BB22", "/etc/ssl/b.pem"),
                Found("BB22", "/etc/ssl/b.pem"), // the same file twice in one report is one certificate
            },
            errors = new[] { "/etc/ssl/broken.pem: not a certificate" },
            scan_duration_ms = 1500,
        };

        using (var first = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/discoveries", report))
        {
            var scan = await Problem.JsonAsync(first, HttpStatusCode.Accepted);
            Assert.Equal(2, scan.GetProperty("certificates_found").GetInt32());
            Assert.Equal(2, scan.GetProperty("certificates_new").GetInt32());
            Assert.StartsWith("dscan-", scan.GetProperty("id").GetString());
        }

        await Sql.ExecuteAsync(database.ConnectionString,
            "UPDATE discovered_certificates SET status = 'Dismissed', dismissed_at = now(), last_seen_at = now() - interval '1 day' WHERE fingerprint_sha256 = 'aa11'");
        using (var second = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/discoveries", report))
        {
            var scan = await Problem.JsonAsync(second, HttpStatusCode.Accepted);
            Assert.Equal(0, scan.GetProperty("certificates_new").GetInt32());
        }

        var rows = await Sql.RowsAsync(database.ConnectionString,
            "SELECT fingerprint_sha256, status, last_seen_at > now() - interval '1 minute' AS fresh FROM discovered_certificates WHERE agent_id = $1 ORDER BY 1", agent.Id);
        Assert.Equal(2, rows.Count);
        Assert.Equal("Dismissed", rows[0]["status"]);
        Assert.Equal(true, rows[0]["fresh"]);
        Assert.Equal("Unmanaged", rows[1]["status"]);
        Assert.Equal(2L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM discovery_scans WHERE agent_id = $1", agent.Id));
        Assert.Equal(2L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'discovery_scan_completed' AND actor = $1", agent.Id));
    }

    [Fact]
    public async Task An_empty_or_foreign_report_is_refused_without_a_write()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var agent = await Fleet.RegisterAsync(host, "disc-refused");
        using var client = host.Client(agent.Token);
        foreach (var body in new object[]
                 {
                     new { directories = new[] { "/etc" } },
                     new { agent_id = "ag-someone-else", errors = new[] { "x" } },
                     new { certificates = new[] { new { fingerprint_sha256 = "cc", source_path = "" } } },
                 })
        {
            using var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/discoveries", body);
            await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        }

        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM discovery_scans WHERE agent_id = $1", agent.Id));
    }

    private static object Found(string fingerprint, string path) => new
    {
        fingerprint_sha256 = fingerprint,
        common_name = "www.example.test",
        sans = new[] { "www.example.test", "example.test" },
        serial_number = "1f",
        issuer_dn = "CN=Example CA",
        subject_dn = "CN=www.example.test",
        not_before = "2026-01-01T00:00:00Z",
        not_after = "2027-01-01T00:00:00Z",
        key_algorithm = "ECDSA",
        key_size = 256,
        is_ca = false,
        source_path = path,
        source_format = "PEM",
    };
}
