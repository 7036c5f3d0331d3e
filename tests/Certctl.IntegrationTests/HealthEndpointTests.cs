using System.Net;
using System.Text.Json;
using Certctl.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Certctl.IntegrationTests;

/// <summary>A service's <c>/health</c> is Healthy only while Postgres and RabbitMQ answer; <c>/alive</c> answers regardless.</summary>
public sealed class HealthEndpointTests(
    PostgresDatabaseFixture<HealthEndpointTests> database,
    RabbitMqVirtualHostFixture<HealthEndpointTests> broker,
    ITestOutputHelper output)
    : IClassFixture<PostgresDatabaseFixture<HealthEndpointTests>>, IClassFixture<RabbitMqVirtualHostFixture<HealthEndpointTests>>
{
    private const string PostgresCheck = "PostgreSql";
    private const string BusCheck = "masstransit-bus";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Health_is_healthy_when_postgres_and_rabbitmq_answer()
    {
        await using var service = await StartServiceAsync(database.ConnectionString, broker.AmqpUri);

        var report = await PollHealthAsync(service, report => report.Status == "Healthy");

        Assert.Equal(HttpStatusCode.OK, report.Code);
        Assert.Equal("Healthy", report.Checks[PostgresCheck]);
        Assert.Equal("Healthy", report.Checks[BusCheck]);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task Health_is_unhealthy_when_postgres_is_unreachable()
    {
        var closedPort = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = FreePort.Next(), Timeout = 3 }.ConnectionString;
        await using var service = await StartServiceAsync(closedPort, broker.AmqpUri);

        // Wait for the bus, so the verdict is about Postgres alone.
        var report = await PollHealthAsync(service, report => report.Checks.GetValueOrDefault(BusCheck) == "Healthy" && report.Status == "Unhealthy");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, report.Code);
        Assert.Equal("Unhealthy", report.Status);
        Assert.Equal("Unhealthy", report.Checks[PostgresCheck]);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task Health_is_unhealthy_when_rabbitmq_is_unreachable()
    {
        var closedPort = new UriBuilder(broker.AmqpUri) { Port = FreePort.Next() }.Uri;
        await using var service = await StartServiceAsync(database.ConnectionString, closedPort);

        // A bus still starting may pass through other states first; the verdict must settle on Unhealthy.
        var report = await PollHealthAsync(service, report => report.Checks.GetValueOrDefault(PostgresCheck) == "Healthy" && report.Status == "Unhealthy");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, report.Code);
        Assert.Equal("Unhealthy", report.Status);
        Assert.NotEqual("Healthy", report.Checks[BusCheck]);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/alive")).StatusCode);
    }

    private async Task<RunningService> StartServiceAsync(string connectionString, Uri amqpUri)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = connectionString,
            [$"ConnectionStrings:{MessagingDefaults.ConnectionName}"] = amqpUri.AbsoluteUri,
        });
        builder.Logging.ClearProviders().AddTestOutput(output);
        builder.AddServiceDefaults();
        builder.AddCertctlDatabase();
        builder.AddCertctlMessaging();

        var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        return new RunningService(app, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) });
    }

    private async Task<HealthReport> PollHealthAsync(RunningService service, Func<HealthReport, bool> settled)
    {
        var deadline = DateTime.UtcNow + Patience;
        HealthReport report;
        do
        {
            using var response = await service.Client.GetAsync("/health");
            report = HealthReport.Parse(response.StatusCode, await response.Content.ReadAsStringAsync());
            if (settled(report))
            {
                return report;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        while (DateTime.UtcNow < deadline);

        output.WriteLine($"/health never settled; last answer: {(int)report.Code} {report.Body}");
        return report;
    }

    private sealed record HealthReport(HttpStatusCode Code, string Status, Dictionary<string, string> Checks, string Body)
    {
        public static HealthReport Parse(HttpStatusCode code, string body)
        {
            using var json = JsonDocument.Parse(body);
            var checks = json.RootElement.GetProperty("checks").EnumerateObject()
                .ToDictionary(check => check.Name, check => check.Value.GetProperty("status").GetString()!);
            return new HealthReport(code, json.RootElement.GetProperty("status").GetString()!, checks, body);
        }
    }

    private sealed class RunningService(WebApplication app, HttpClient client) : IAsyncDisposable
    {
        public HttpClient Client { get; } = client;

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
