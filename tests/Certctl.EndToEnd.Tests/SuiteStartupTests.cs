using System.Net;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace Certctl.EndToEnd.Tests;

/// <summary>The real AppHost starts every resource, the services report ready, and telemetry leaves over OTLP.</summary>
[Collection(SuiteCollection.Name)]
public sealed class SuiteStartupTests(SuiteFixture suite)
{
    [Fact]
    public async Task Migrations_finish_successfully_before_the_services_start()
    {
        using var timeout = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        var finished = await suite.App.ResourceNotifications.WaitForResourceAsync(
            "migrations", update => KnownResourceStates.TerminalStates.Contains(update.Snapshot.State?.Text), timeout.Token);

        Assert.Equal(KnownResourceStates.Finished, finished.Snapshot.State?.Text);
        Assert.Equal(0, finished.Snapshot.ExitCode);
    }

    [Fact]
    public async Task Every_resource_becomes_healthy_and_the_gateway_reports_healthy()
    {
        using var timeout = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        foreach (var name in SuiteFixture.LongRunningResources)
        {
            await suite.App.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token);
        }

        using var response = await suite.Gateway.GetAsync("/health", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
        Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
        var checks = health.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("PostgreSql").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("masstransit-bus").GetProperty("status").GetString());

        using var alive = await suite.Gateway.GetAsync("/alive", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }

    [Fact]
    public async Task A_gateway_request_produces_a_trace_that_reaches_the_otlp_endpoint()
    {
        using var timeout = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        await suite.App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);

        using var response = await suite.Gateway.GetAsync("/api/v1/version", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The export carries the service name (resource attribute) and the span's route.
        var arrived = await suite.Otlp.WaitForTraceContainingAsync(TimeSpan.FromSeconds(30), "gateway", "/api/v1/version");
        Assert.True(arrived, "no OTLP trace export from the gateway containing the /api/v1/version span arrived within 30 s");
    }
}
