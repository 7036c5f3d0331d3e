using System.Text.Json;
using Certctl.Contracts;
using Certctl.Scheduler.Loops;
using Certctl.Scheduler.Messaging;
using Certctl.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Certctl.Scheduler.Tests.Notifications;

/// <summary>
/// The scheduler as deployed (its real registrations, every loop) on a real RabbitMQ and Postgres: an event published on the broker becomes
/// a notice row and is POSTed to the webhook at once, woken by the write, with every tick an hour away.
/// </summary>
public sealed class NotificationPipelineTests(
    MigratedDatabaseFixture<NotificationPipelineTests> database,
    RabbitMqVirtualHostFixture<NotificationPipelineTests> broker,
    ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<NotificationPipelineTests>>, IClassFixture<RabbitMqVirtualHostFixture<NotificationPipelineTests>>
{
    [Fact]
    public async Task A_certificate_issued_event_on_the_broker_reaches_the_webhook_once()
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var db = new Database(database.ConnectionString);
        var certificate = await db.Rows.CertificateAsync(TimeSpan.FromDays(90), status: "Archived"); // no loop acts on it
        using var host = await StartSchedulerAsync(webhook);
        var bus = host.Services.GetRequiredService<IBus>();
        var issued = new CertificateIssued("job-pipeline", certificate, "cv-pipeline", "0a1b", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90), DateTimeOffset.UtcNow);

        await bus.Publish(issued);
        await bus.Publish(issued);

        var post = await WaitAsync(() => webhook.Received.FirstOrDefault(p => CertificateOf(p) == certificate), TimeSpan.FromSeconds(30));
        using (var json = JsonDocument.Parse(post.Body))
        {
            Assert.Equal("RenewalSuccess", json.RootElement.GetProperty("type").GetString());
        }

        await WaitAsync(async () => await Sql.ScalarAsync<string>(database.ConnectionString,
            "SELECT status FROM notification_events WHERE certificate_id = $1", certificate) == "sent" ? "sent" : null, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1)); // time for a duplicate to show, if there were one
        Assert.Single(webhook.Received, p => CertificateOf(p) == certificate);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM notification_events WHERE certificate_id = $1", certificate));
        await host.StopAsync();
    }

    private async Task<IHost> StartSchedulerAsync(WebhookReceiver webhook)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:certctl"] = database.ConnectionString,
            ["ConnectionStrings:messaging"] = broker.AmqpUri.ToString(),
            ["CERTCTL_WEBHOOK_URL"] = webhook.Url.ToString(),
            ["CERTCTL_SCHEDULER_NOTIFICATION_PROCESS_INTERVAL"] = "1h",
            ["CERTCTL_NOTIFICATION_RETRY_INTERVAL"] = "1h",
        });
        builder.Logging.ClearProviders().AddTestOutput(output);
        builder.AddCertctlDatabase();
        builder.AddCertctlMessaging(bus => bus.AddSchedulerConsumers());
        builder.Services.AddSchedulerLoops(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBusControl>();
        await WaitAsync(() => bus.CheckHealth().Status == BusHealthStatus.Healthy ? "healthy" : null, TimeSpan.FromSeconds(30));
        return host;
    }

    private static string? CertificateOf(ReceivedWebhook post)
    {
        using var json = JsonDocument.Parse(post.Body);
        return json.RootElement.TryGetProperty("certificate_id", out var id) ? id.GetString() : null;
    }

    private static Task<T> WaitAsync<T>(Func<T?> probe, TimeSpan patience) where T : class => WaitAsync(() => Task.FromResult(probe()), patience);

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan patience) where T : class
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not within {patience}");
            await Task.Delay(50);
        }
    }
}
