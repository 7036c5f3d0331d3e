using Certctl.Contracts;
using Certctl.Domain;
using Certctl.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Certctl.IntegrationTests;

/// <summary>The shared <c>AddCertctlMessaging</c> registration moves contract messages over the real RabbitMQ broker.</summary>
public sealed class MessagingRoundTripTests(RabbitMqVirtualHostFixture<MessagingRoundTripTests> broker, ITestOutputHelper output)
    : IClassFixture<RabbitMqVirtualHostFixture<MessagingRoundTripTests>>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Moment = new(2026, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);

    [Fact]
    public async Task A_published_event_reaches_its_consumer_intact()
    {
        var inbox = new MessageInbox<CertificateIssued>();
        using var host = await StartBusAsync(inbox, "certctl-test-certificate-issued");
        var sent = new CertificateIssued("job-42", "mc-api-prod", "cv-7", "0A1B2C", Moment, Moment.AddDays(90), Moment.AddSeconds(2));

        await host.Services.GetRequiredService<IBus>().Publish(sent);

        var received = await inbox.First.WaitAsync(Patience);
        Assert.Equal(sent, received);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_command_sent_to_a_queue_is_consumed_once()
    {
        const string queue = "certctl-test-issue-certificate";
        var inbox = new MessageInbox<IssueCertificate>();
        using var host = await StartBusAsync(inbox, queue);
        var sent = new IssueCertificate("job-43", "mc-web-prod", "iss-local", KeygenMode.Agent, "-----BEGIN CERTIFICATE REQUEST-----", 2, Moment);

        var endpoint = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{queue}"));
        await endpoint.Send(sent);

        var received = await inbox.First.WaitAsync(Patience);
        Assert.Equal(sent, received);
        // A redelivery (a nack, a consumer fault) would arrive within this grace period.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, inbox.Count);
        await host.StopAsync();
    }

    [Fact]
    public void The_bus_reports_no_usage_telemetry_home()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{MessagingDefaults.ConnectionName}"] = broker.AmqpUri.AbsoluteUri,
        });
        builder.AddCertctlMessaging();
        using var host = builder.Build();

        Assert.False(host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }

    private async Task<IHost> StartBusAsync<T>(MessageInbox<T> inbox, string queue) where T : class
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{MessagingDefaults.ConnectionName}"] = broker.AmqpUri.AbsoluteUri,
        });
        builder.Logging.ClearProviders().AddTestOutput(output);
        builder.Services.AddSingleton(inbox);
        builder.AddCertctlMessaging(bus => bus.AddConsumer<InboxConsumer<T>>().Endpoint(endpoint => endpoint.Name = queue));

        var host = builder.Build();
        await host.StartAsync();
        // The shared registration starts the bus in the background: wait until its queues and bindings exist.
        var health = await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, Patience);
        Assert.Equal(BusHealthStatus.Healthy, health);
        return host;
    }
}
