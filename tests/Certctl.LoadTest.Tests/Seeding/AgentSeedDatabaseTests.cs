using Certctl.LoadTest.Agents;
using Certctl.Testing;

namespace Certctl.LoadTest.Tests.Seeding;

/// <summary><c>seed agent_storm</c> on a real migrated database: 5,000 Online agents, staggered heartbeats, OS mix, token hashes, idempotent.</summary>
public sealed class AgentSeedDatabaseTests(MigratedDatabaseFixture<AgentSeedDatabaseTests> database)
    : IClassFixture<MigratedDatabaseFixture<AgentSeedDatabaseTests>>
{
    private const string Secret = "agent-storm-seed-secret-0123456789abcdef";

    [Fact]
    public async Task Seeds_5000_online_agents_with_staggered_heartbeats_and_tokens_of_the_secret_once()
    {
        var (code, output) = await SeedAsync("--agent-secret", Secret);

        Assert.Equal(LoadCommand.ExitPassed, code);
        Assert.Contains("inserted 5,000 agents (loadtest-agent-00001 … loadtest-agent-05000)", output, StringComparison.Ordinal);
        Assert.Contains("present: 5,000 agents named loadtest-agent-…; 5,000 of them Online", output, StringComparison.Ordinal);
        var row = (await Sql.RowsAsync(database.ConnectionString,
            """
            SELECT count(*) AS agents,
                   count(*) FILTER (WHERE status = 'Online' AND retired_at IS NULL AND name = substr(id, 4)) AS online,
                   count(*) FILTER (WHERE os = 'linux') AS linux, count(*) FILTER (WHERE os = 'windows') AS windows,
                   count(*) FILTER (WHERE os = 'darwin') AS darwin,
                   extract(epoch FROM now() - min(last_heartbeat_at)) AS oldest, extract(epoch FROM now() - max(last_heartbeat_at)) AS newest
            FROM agents WHERE id LIKE 'ag-loadtest-agent-%'
            """)).Single();
        Assert.Equal(5000L, row["agents"]);
        Assert.Equal(5000L, row["online"]);
        Assert.Equal((4000L, 500L, 500L), ((long)row["linux"]!, (long)row["windows"]!, (long)row["darwin"]!));
        Assert.InRange(Convert.ToDouble(row["oldest"]), 55, 65);
        Assert.InRange(Convert.ToDouble(row["newest"]), 0, 5);
        var hash = await Sql.ScalarAsync<byte[]>(database.ConnectionString, "SELECT token_hash FROM agents WHERE id = 'ag-loadtest-agent-00042'");
        Assert.Equal(AgentFleet.TokenHash(AgentFleet.TokenOf(Secret, "ag-loadtest-agent-00042")), hash);

        await Sql.ExecuteAsync(database.ConnectionString,
            "UPDATE agents SET status = 'Offline', retired_at = now() WHERE id = 'ag-loadtest-agent-00007'");
        var (again, rerun) = await SeedAsync("--agent-secret", Secret);

        Assert.Equal(LoadCommand.ExitPassed, again);
        Assert.Contains("inserted 0 agents", rerun, StringComparison.Ordinal);
        Assert.Contains("refreshed 5,000", rerun, StringComparison.Ordinal);
        Assert.Equal(5000L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM agents WHERE id LIKE 'ag-loadtest-agent-%' AND status = 'Online' AND retired_at IS NULL"));

        var (removeCode, removed) = await SeedAsync("--remove");
        Assert.Equal(LoadCommand.ExitPassed, removeCode);
        Assert.Contains("removed 5,000 agents", removed, StringComparison.Ordinal);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM agents WHERE id LIKE 'ag-loadtest-agent-%'"));
    }

    [Fact]
    public async Task Reset_jobs_does_not_apply_to_agents()
    {
        var (code, output) = await SeedAsync("--agent-secret", Secret, "--reset-jobs");

        Assert.Equal(LoadCommand.ExitUsage, code);
        Assert.Contains("--reset-jobs does not apply", output, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Output)> SeedAsync(params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LoadCommand.RunAsync(["seed", "agent_storm", "--database", database.ConnectionString, .. options], output, error, CancellationToken.None);
        return (code, output + error.ToString());
    }
}
