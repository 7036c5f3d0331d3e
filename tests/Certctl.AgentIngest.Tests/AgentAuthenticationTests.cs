using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.AgentIngest.Tests;

/// <summary>Registration with the bootstrap token, and the binding of every agent path to the token of the agent it names.</summary>
public sealed class AgentAuthenticationTests(MigratedDatabaseFixture<AgentAuthenticationTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<AgentAuthenticationTests>>
{
    [Fact]
    public async Task Registration_needs_the_bootstrap_token()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var body = new { name = "no-bootstrap", hostname = "h.example.test" };
        using var anonymous = host.Client();
        using var wrong = host.Client("not-the-bootstrap-token");
        using (var response = await anonymous.PostAsJsonAsync("/api/v1/agents", body))
        {
            var problem = await Problem.ReadAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("invalid_or_missing_bootstrap_token", problem.GetProperty("title").GetString());
        }

        using (var response = await wrong.PostAsJsonAsync("/api/v1/agents", body))
        {
            await Problem.ReadAsync(response, HttpStatusCode.Unauthorized);
        }

        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM agents WHERE name = 'no-bootstrap'"));
    }

    [Fact]
    public async Task Registration_returns_the_token_once_and_stores_only_its_hash()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        using var client = host.Client(IngestHost.BootstrapToken);
        using var response = await client.PostAsJsonAsync("/api/v1/agents",
            new { name = "web-01", hostname = "web-01.example.test", os = "linux", architecture = "amd64", ip_address = "10.0.0.1", version = "1.0.0" });
        var agent = await Problem.JsonAsync(response, HttpStatusCode.Created);
        var id = agent.GetProperty("id").GetString()!;
        var token = agent.GetProperty("api_key").GetString()!;
        Assert.StartsWith("ag-", id);
        Assert.Equal(43, token.Length);
        Assert.Equal("Online", agent.GetProperty("status").GetString());
        Assert.Equal($"/api/v1/agents/{id}", response.Headers.Location?.OriginalString);

        var stored = await Sql.ScalarAsync<byte[]>(database.ConnectionString, "SELECT token_hash FROM agents WHERE id = $1", id);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), stored);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM agents WHERE id = $1 AND position(convert_to($2, 'UTF8') IN token_hash) > 0", id, token));

        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'agent_registered' AND resource_id = $1 AND actor_type = 'Agent'", id));

        using var again = await client.PostAsJsonAsync("/api/v1/agents", new { name = "web-01", hostname = "other.example.test" });
        await Problem.ReadAsync(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Registration_rejects_bad_input_with_field_errors()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        using var client = host.Client(IngestHost.BootstrapToken);
        using (var response = await client.PostAsJsonAsync("/api/v1/agents", new { name = new string('n', 129), hostname = "" }))
        {
            var problem = await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
            Assert.True(problem.GetProperty("errors").TryGetProperty("hostname", out _));
        }

        using (var response = await client.PostAsync("/api/v1/agents", new StringContent("{not json", Encoding.UTF8, "application/json")))
        {
            await Problem.ReadAsync(response, HttpStatusCode.BadRequest);
        }
    }

    [Fact]
    public async Task Agent_A_cannot_heartbeat_poll_or_report_as_agent_B()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var a = await Fleet.RegisterAsync(host, "agent-a");
        var b = await Fleet.RegisterAsync(host, "agent-b");
        await Fleet.CreateTargetAsync(database.ConnectionString, "tgt-b", b.Id, new() { ["cert_path"] = "/etc/b.pem" });
        await Fleet.CreateCertificateAsync(database.ConnectionString, "mc-b", "tgt-b");
        await Fleet.InsertJobAsync(database.ConnectionString, "job-b", "Deployment", "mc-b", "Running", "tgt-b", b.Id);

        using var asA = host.Client(a.Token);
        var calls = new Func<Task<HttpResponseMessage>>[]
        {
            () => asA.PostAsJsonAsync($"/api/v1/agents/{b.Id}/heartbeat", new { version = "9.9.9" }),
            () => asA.GetAsync($"/api/v1/agents/{b.Id}/work"),
            () => asA.PostAsJsonAsync($"/api/v1/agents/{b.Id}/jobs/job-b/status", new { status = "Completed" }),
            () => asA.PostAsJsonAsync($"/api/v1/agents/{b.Id}/jobs/job-b/verification", new { expected_fingerprint = "aa", actual_fingerprint = "aa", verified = true }),
            () => asA.GetAsync($"/api/v1/agents/{b.Id}/certificates/mc-b"),
            () => asA.PostAsJsonAsync($"/api/v1/agents/{b.Id}/discoveries", new { errors = new[] { "x" } }),
            () => asA.PostAsJsonAsync($"/api/v1/agents/{b.Id}/csr", new { certificate_id = "mc-b", csr_pem = "-----BEGIN CERTIFICATE REQUEST-----" }),
        };
        foreach (var call in calls)
        {
            using var response = await call();
            await Problem.ReadAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }

        // A's own job list does not include B's work either, and B's job was not touched.
        using (var own = await asA.GetAsync($"/api/v1/agents/{a.Id}/work"))
        {
            var work = await Problem.JsonAsync(own, HttpStatusCode.OK);
            Assert.Equal(0, work.GetProperty("count").GetInt32());
        }

        // A's token on its own path, naming B's job, finds nothing to report on.
        using (var report = await asA.PostAsJsonAsync($"/api/v1/agents/{a.Id}/jobs/job-b/status", new { status = "Completed" }))
        {
            await Problem.ReadAsync(report, HttpStatusCode.NotFound);
        }

        Assert.Equal("Running", await Fleet.JobStatusAsync(database.ConnectionString, "job-b"));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM agents WHERE id = $1 AND version = '9.9.9'", b.Id));
    }

    [Fact]
    public async Task Missing_token_is_401_before_the_body_is_read_and_unknown_agent_is_404()
    {
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var a = await Fleet.RegisterAsync(host, "agent-c");
        using var anonymous = host.Client();
        using (var response = await anonymous.PostAsync($"/api/v1/agents/{a.Id}/heartbeat", null))
        {
            await Problem.ReadAsync(response, HttpStatusCode.Unauthorized);
        }

        // The token is checked before the body is read: a caller without it learns nothing from the body's parser.
        using (var response = await anonymous.PostAsync($"/api/v1/agents/{a.Id}/discoveries", new StringContent("{not json", Encoding.UTF8, "application/json")))
        {
            await Problem.ReadAsync(response, HttpStatusCode.Unauthorized);
        }

        using var asA = host.Client(a.Token);
        using (var response = await asA.PostAsync("/api/v1/agents/ag-nobody/heartbeat", null))
        {
            await Problem.ReadAsync(response, HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task A_retired_agent_gets_410_on_every_agent_endpoint()
    {
        // No cache: retirement is seen on the next request.
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_AGENT_AUTH_CACHE_SECONDS"] = "0" });
        var agent = await Fleet.RegisterAsync(host, "agent-retiring");
        using var client = host.Client(agent.Token);
        using (var before = await client.PostAsync($"/api/v1/agents/{agent.Id}/heartbeat", null))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE agents SET retired_at = now(), retired_reason = 'test' WHERE id = $1", agent.Id);
        var calls = new Func<Task<HttpResponseMessage>>[]
        {
            () => client.PostAsync($"/api/v1/agents/{agent.Id}/heartbeat", null),
            () => client.GetAsync($"/api/v1/agents/{agent.Id}/work"),
            () => client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/csr", new { certificate_id = "mc-x", csr_pem = "x" }),
            () => client.GetAsync($"/api/v1/agents/{agent.Id}/certificates/mc-x"),
            () => client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-x/status", new { status = "Completed" }),
            () => client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/jobs/job-x/verification", new { }),
            () => client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/discoveries", new { }),
        };
        foreach (var call in calls)
        {
            using var response = await call();
            await Problem.ReadAsync(response, HttpStatusCode.Gone);
        }
    }

    [Fact]
    public async Task A_cached_credential_is_trusted_at_most_the_cache_time()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_AGENT_AUTH_CACHE_SECONDS"] = "30" },
            configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var agent = await Fleet.RegisterAsync(host, "agent-cached");
        using var client = host.Client(agent.Token);
        using (var first = await client.GetAsync($"/api/v1/agents/{agent.Id}/work"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE agents SET retired_at = now() WHERE id = $1", agent.Id);
        clock.Advance(TimeSpan.FromSeconds(29));
        using (var cached = await client.GetAsync($"/api/v1/agents/{agent.Id}/work"))
        {
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode); // within the documented bound
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        using (var after = await client.GetAsync($"/api/v1/agents/{agent.Id}/work"))
        {
            await Problem.ReadAsync(after, HttpStatusCode.Gone);
        }
    }

    [Fact]
    public async Task A_credential_used_past_half_the_cache_time_is_re_read_in_the_background()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_AGENT_AUTH_CACHE_SECONDS"] = "30" },
            configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var agent = await Fleet.RegisterAsync(host, "agent-refreshed");
        using var client = host.Client(agent.Token);
        using (var first = await client.GetAsync($"/api/v1/agents/{agent.Id}/work"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE agents SET retired_at = now() WHERE id = $1", agent.Id);
        clock.Advance(TimeSpan.FromSeconds(16));
        using (var cached = await client.GetAsync($"/api/v1/agents/{agent.Id}/work"))
        {
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode); // answered from the cache, without waiting for the re-read
        }

        // The clock stands still, 14 s before the entry would expire: only the background re-read can bring the retirement in.
        var status = HttpStatusCode.OK;
        for (var attempt = 0; attempt < 100 && status != HttpStatusCode.Gone; attempt++)
        {
            await Task.Delay(50);
            using var response = await client.GetAsync($"/api/v1/agents/{agent.Id}/work");
            status = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Gone, status);
    }

    [Fact]
    public async Task Credentials_missing_from_the_cache_together_are_read_in_a_few_queries_not_one_each()
    {
        const int agents = 200;
        Fleet.Agent[] fleet;
        await using (var registrar = await IngestHost.StartAsync(database.ConnectionString, output))
        {
            fleet = await Task.WhenAll(Enumerable.Range(0, agents).Select(i => Fleet.RegisterAsync(registrar, $"agent-batched-{i:D3}")));
        }

        // A replica that just started: nothing cached, and the whole fleet heartbeats at once.
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output);
        var verifier = host.Services.GetRequiredService<Certctl.AgentIngest.Auth.AgentTokenVerifier>();
        var before = verifier.Queries;
        var statuses = await Task.WhenAll(fleet.Select(async agent =>
        {
            using var client = host.Client(agent.Token);
            using var response = await client.PostAsJsonAsync($"/api/v1/agents/{agent.Id}/heartbeat", new { version = "1.0.0" });
            return response.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        var queries = verifier.Queries - before;
        output.WriteLine($"{agents} uncached credentials read in {queries} queries");
        Assert.InRange(queries, 1, agents / 4);

        // Each agent still gets its own credential: a token is refused for another agent's id.
        using var foreign = host.Client(fleet[0].Token);
        using var refused = await foreign.PostAsJsonAsync($"/api/v1/agents/{fleet[1].Id}/heartbeat", new { version = "1.0.0" });
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_replaced_token_is_accepted_at_once_and_the_old_one_refused()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await IngestHost.StartAsync(database.ConnectionString, output,
            configureServices: services => services.AddSingleton<TimeProvider>(clock));
        var agent = await Fleet.RegisterAsync(host, "agent-rotated");
        using (var old = host.Client(agent.Token))
        using (var first = await old.GetAsync($"/api/v1/agents/{agent.Id}/work"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        const string replacement = "replacement-token-0123456789abcdefghijklm";
        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE agents SET token_hash = $2 WHERE id = $1", agent.Id,
            SHA256.HashData(Encoding.UTF8.GetBytes(replacement)));
        clock.Advance(TimeSpan.FromSeconds(2));
        using (var fresh = host.Client(replacement))
        using (var response = await fresh.GetAsync($"/api/v1/agents/{agent.Id}/work"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var old = host.Client(agent.Token))
        using (var response = await old.GetAsync($"/api/v1/agents/{agent.Id}/work"))
        {
            await Problem.ReadAsync(response, HttpStatusCode.Unauthorized);
        }
    }
}
