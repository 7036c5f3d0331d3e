using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Certctl.ServiceDefaults;

/// <summary>The one MassTransit-over-RabbitMQ registration every service uses.</summary>
public static class MessagingDefaults
{
    /// <summary>The connection name every service reads (<c>ConnectionStrings:messaging</c>), an <c>amqp://</c> URI.</summary>
    public const string ConnectionName = "messaging";

    /// <summary>
    /// Registers MassTransit on RabbitMQ with kebab-case endpoint names; <paramref name="configure"/> adds the
    /// service's consumers (each with its own definition for retry, redelivery and concurrency).
    /// MassTransit registers its own readiness health check, so <c>/health</c> reports the broker.
    /// </summary>
    public static TBuilder AddCertctlMessaging<TBuilder>(this TBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} is not set. Start the suite through Certctl.AppHost, or set ConnectionStrings__{ConnectionName} to an amqp:// URI.");
        }

        var hostAddress = new Uri(connectionString);
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            // MassTransit 8.4+ reports anonymous usage to usage-tracking.masstransit.io after start. A self-hosted product makes no
            // calls home (and an air-gapped host logged a failed lookup from every service).
            bus.ConfigureUsageTelemetryOptions(options => options.Enabled = false);
            configure?.Invoke(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(hostAddress, host => host.ConnectionName(builder.Environment.ApplicationName));
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.AddOptions<MassTransitHostOptions>().Configure(options =>
        {
            // Start in the background: /health says "not ready" until the broker answers, instead of the host failing to start.
            options.WaitUntilStarted = false;
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return builder;
    }
}
