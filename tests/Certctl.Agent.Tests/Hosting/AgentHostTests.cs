using System.Net;
using System.Text.Json;
using Certctl.Agent.Hosting;
using Certctl.Agent.State;
using Certctl.Agent.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.Agent.Tests.Hosting;

// Environment.ExitCode is process-wide: these tests do not run beside each other.
[Collection(nameof(AgentHostTests))]
public sealed class AgentHostTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_agent_registers_once_keeps_its_credentials_private_and_authenticates_every_call_with_its_token()
    {
        await using var server = await FakeIngestServer.StartAsync();
        using (var first = AgentHostFactory.Build(server, _folder, output))
        {
            await first.StartAsync();
            await Eventually.TrueAsync(() => !server.Heartbeats.IsEmpty && server.Calls.Any(call => call.Path.EndsWith("/work", StringComparison.Ordinal)), "a heartbeat and a work poll");
            await first.StopAsync();
        }

        Assert.Equal(1, server.Registrations);
        var stateFile = _folder["state/agent.json"];
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(stateFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder["state"]));
        using (var state = JsonDocument.Parse(File.ReadAllText(stateFile)))
        {
            Assert.Equal(FakeIngestServer.AgentId, state.RootElement.GetProperty("agent_id").GetString());
            Assert.Equal(FakeIngestServer.AgentToken, state.RootElement.GetProperty("token").GetString());
        }

        var heartbeat = server.Heartbeats.First();
        Assert.Equal("1.0.0", heartbeat["version"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(heartbeat["hostname"]!.GetValue<string>()));

        // A restart reads the state folder: no second registration.
        var heartbeatsBefore = server.Heartbeats.Count;
        using (var second = AgentHostFactory.Build(server, _folder, output))
        {
            await second.StartAsync();
            await Eventually.TrueAsync(() => server.Heartbeats.Count > heartbeatsBefore, "a heartbeat after the restart");
            await second.StopAsync();
        }

        Assert.Equal(1, server.Registrations);
        Assert.All(server.Calls.Where(call => call.Path != "/api/v1/agents"), call => Assert.Equal($"Bearer {FakeIngestServer.AgentToken}", call.Authorization));
        Assert.Equal($"Bearer {FakeIngestServer.BootstrapToken}", Assert.Single(server.Calls, call => call.Path == "/api/v1/agents").Authorization);
    }

    [Fact]
    public async Task A_provisioned_agent_never_registers_and_uses_the_configured_id_and_token()
    {
        await using var server = await FakeIngestServer.StartAsync();
        using (var host = AgentHostFactory.Build(server, _folder, output, new()
        {
            ["CERTCTL_AGENT_ID"] = FakeIngestServer.AgentId,
            ["CERTCTL_AGENT_TOKEN"] = FakeIngestServer.AgentToken,
            ["CERTCTL_AGENT_BOOTSTRAP_TOKEN"] = null,
        }))
        {
            await host.StartAsync();
            await Eventually.TrueAsync(() => !server.Heartbeats.IsEmpty && server.Calls.Any(call => call.Path.EndsWith("/work", StringComparison.Ordinal)), "a heartbeat and a work poll");
            await host.StopAsync();
        }

        Assert.Equal(0, server.Registrations);
        Assert.False(File.Exists(Path.Combine(_folder["state"], "agent.json")), "a provisioned identity is not written to the state folder");
        Assert.All(server.Calls, call => Assert.Equal($"Bearer {FakeIngestServer.AgentToken}", call.Authorization));
        Assert.Contains(server.Calls, call => call.Path == $"/api/v1/agents/{FakeIngestServer.AgentId}/heartbeat");
    }

    [Fact]
    public async Task An_agent_id_without_its_token_is_refused_at_start()
    {
        await using var server = await FakeIngestServer.StartAsync();
        using var host = AgentHostFactory.Build(server, _folder, output, new() { ["CERTCTL_AGENT_ID"] = FakeIngestServer.AgentId });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(failure.Failures, message => message.StartsWith("CERTCTL_AGENT_ID and CERTCTL_AGENT_TOKEN go together", StringComparison.Ordinal));
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task A_retired_agent_stops_by_itself_with_exit_code_0()
    {
        await using var server = await FakeIngestServer.StartAsync();
        server.Retired = true;
        Environment.ExitCode = 3;
        try
        {
            using var host = AgentHostFactory.Build(server, _folder, output);
            var retirement = host.Services.GetRequiredService<AgentRetirement>();

            var run = host.RunAsync();
            var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20)));

            Assert.Same(run, finished);
            await run;
            Assert.Equal(0, Environment.ExitCode);
            Assert.True(retirement.IsRetired);
        }
        finally
        {
            Environment.ExitCode = 0;
        }
    }

    [Fact]
    public async Task A_failing_heartbeat_waits_the_back_off_on_top_of_the_interval_and_a_success_resets_it()
    {
        await using var server = await FakeIngestServer.StartAsync();
        server.HeartbeatAnswers.Enqueue(HttpStatusCode.ServiceUnavailable);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var host = AgentHostFactory.Build(server, _folder, output, services: services => services.AddSingleton<TimeProvider>(time));
        await host.StartAsync();
        await Eventually.TrueAsync(() => server.Heartbeats.Count == 1, "the first heartbeat");
        var loop = host.Services.GetServices<IHostedService>().OfType<HeartbeatLoop>().Single();
        await Eventually.TrueAsync(() => loop.ConsecutiveFailures == 1, "the failure counted");

        var waited = await AdvanceUntilAsync(time, () => server.Heartbeats.Count == 2);
        // 60 s interval + 30 s back-off after one failure (a little more if the loop reached its timer late).
        Assert.InRange(waited, TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(95));
        await Eventually.TrueAsync(() => loop.ConsecutiveFailures == 0, "the success resetting the count");

        waited = await AdvanceUntilAsync(time, () => server.Heartbeats.Count == 3);
        Assert.InRange(waited, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(65));
        await host.StopAsync();
    }

    [Fact]
    public async Task An_http_server_url_is_refused_at_start_without_the_development_flag()
    {
        await using var server = await FakeIngestServer.StartAsync();
        using var host = AgentHostFactory.Build(server, _folder, output, new() { ["CERTCTL_AGENT_ALLOW_INSECURE_HTTP"] = "false" });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(failure.Failures, message => message.Contains("CERTCTL_SERVER_URL must be https://", StringComparison.Ordinal));
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task Unusable_settings_are_refused_at_start_naming_the_variable()
    {
        await using var server = await FakeIngestServer.StartAsync();
        using var host = AgentHostFactory.Build(server, _folder, output, new()
        {
            ["CERTCTL_AGENT_POLL_INTERVAL"] = "soon",
            ["CERTCTL_KEY_DIR"] = "relative/keys",
            ["CERTCTL_SERVER_CA_BUNDLE_PATH"] = _folder["missing.pem"],
        });

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(failure.Failures, message => message.StartsWith("CERTCTL_AGENT_POLL_INTERVAL", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.StartsWith("CERTCTL_KEY_DIR", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.StartsWith("CERTCTL_SERVER_CA_BUNDLE_PATH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Registration_that_the_server_refuses_is_retried_with_back_off_and_stores_nothing()
    {
        await using var server = await FakeIngestServer.StartAsync();
        using var host = AgentHostFactory.Build(server, _folder, output, new() { ["CERTCTL_AGENT_BOOTSTRAP_TOKEN"] = "wrong" });
        await host.StartAsync();
        await Eventually.TrueAsync(() => server.Calls.Count(call => call.Path == "/api/v1/agents") >= 2, "the heartbeat and poll loops each trying to register");
        await host.StopAsync();

        Assert.Equal(0, server.Registrations);
        Assert.False(File.Exists(_folder["state/agent.json"]));
        Assert.Null(host.Services.GetRequiredService<AgentSession>().Credentials);
    }

    // Moves the fake clock one second at a time, giving the loop real time to reach its next timer, until the condition holds.
    private static async Task<TimeSpan> AdvanceUntilAsync(FakeTimeProvider time, Func<bool> condition)
    {
        var advanced = TimeSpan.Zero;
        while (!condition())
        {
            if (advanced > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException("The loop never ran again.");
            }

            await Task.Delay(15);
            time.Advance(TimeSpan.FromSeconds(1));
            advanced += TimeSpan.FromSeconds(1);
            await Task.Delay(15);
        }

        return advanced;
    }
}
