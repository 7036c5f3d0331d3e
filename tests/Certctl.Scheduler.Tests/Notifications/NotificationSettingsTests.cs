using Certctl.Scheduler.Loops;
using Certctl.Scheduler.Notifications;
using Certctl.Scheduler.Options;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Scheduler.Tests.Notifications;

/// <summary>The notification settings and the new loops' registration: names, defaults, validation at start, the ACME clean-up's off switch.</summary>
public sealed class NotificationSettingsTests
{
    [Fact]
    public async Task The_new_loops_are_registered_with_the_reference_intervals()
    {
        await using var provider = Provider(new Dictionary<string, string?>());

        var loops = provider.GetServices<IHostedService>().OfType<ScheduledLoop>().ToDictionary(loop => loop.Schedule.Name, loop => loop.Schedule);

        Assert.Equal(TimeSpan.FromHours(1), loops["expiry-alerts"].Interval);
        Assert.True(loops["expiry-alerts"].OncePerCluster);
        Assert.Equal(TimeSpan.FromMinutes(1), loops["notification-delivery"].Interval);
        Assert.Equal(TimeSpan.FromMinutes(2), loops["notification-retry"].Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), loops["short-lived-expiry"].Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), loops["short-lived-expiry"].Timeout);
        Assert.Equal(TimeSpan.FromMinutes(1), loops["acme-cleanup"].Interval);
        Assert.False(loops["acme-cleanup"].RunAtStart); // the original's "first tick", not at start
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0s")]
    public async Task A_zero_acme_gc_interval_leaves_the_clean_up_loop_out(string interval)
    {
        await using var provider = Provider(new Dictionary<string, string?> { ["CERTCTL_ACME_SERVER_GC_INTERVAL"] = interval });

        var names = provider.GetServices<IHostedService>().OfType<ScheduledLoop>().Select(loop => loop.Schedule.Name).ToList();

        Assert.DoesNotContain("acme-cleanup", names);
        Assert.Contains("short-lived-expiry", names);
        Assert.Empty(new SchedulerOptionsValidator().Validate(null, new SchedulerOptions { AcmeServerGcInterval = interval }).Failures ?? []);
    }

    [Theory]
    [InlineData("CERTCTL_NOTIFICATION_RETRY_INTERVAL", "500ms")]
    [InlineData("CERTCTL_EXPIRY_ALERT_INTERVAL", "30s")]
    [InlineData("CERTCTL_ACME_SERVER_GC_INTERVAL", "soon")]
    public void Loop_intervals_under_their_floor_or_unreadable_stop_the_start(string variable, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [variable] = value }).Build();
        var options = configuration.Get<SchedulerOptions>()!;

        var result = new SchedulerOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(variable, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CERTCTL_SMTP_FROM_ADDRESS", "CERTCTL_SMTP_HOST=smtp.example.com")]
    [InlineData("CERTCTL_SMTP_PASSWORD", "CERTCTL_SMTP_HOST=smtp.example.com", "CERTCTL_SMTP_FROM_ADDRESS=a@example.com", "CERTCTL_SMTP_PASSWORD=x")]
    [InlineData("CERTCTL_WEBHOOK_URL", "CERTCTL_WEBHOOK_URL=ftp://example.com/hook")]
    [InlineData("CERTCTL_WEBHOOK_URL", "CERTCTL_WEBHOOK_URL=/relative")]
    [InlineData("CERTCTL_WEBHOOK_SECRET", "CERTCTL_WEBHOOK_SECRET=s3cret")]
    [InlineData("CERTCTL_NOTIFICATION_FALLBACK_EMAIL", "CERTCTL_NOTIFICATION_FALLBACK_EMAIL=not an address")]
    public async Task Half_configured_channels_stop_the_start_naming_the_variable(string variable, params string[] settings)
    {
        await using var provider = Provider(settings.Select(setting => setting.Split('=', 2)).ToDictionary(pair => pair[0], pair => (string?)pair[1]));

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NotificationOptions>>().Value);

        Assert.Contains(variable, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_original_smtp_names_and_defaults_bind_and_channels_turn_on_with_their_address()
    {
        await using var provider = Provider(new Dictionary<string, string?>
        {
            ["CERTCTL_SMTP_HOST"] = "smtp.example.com",
            ["CERTCTL_SMTP_USERNAME"] = "certctl",
            ["CERTCTL_SMTP_PASSWORD"] = "secret",
            ["CERTCTL_SMTP_FROM_ADDRESS"] = "Certctl <certctl@example.com>",
        });

        var options = provider.GetRequiredService<IOptions<NotificationOptions>>().Value;

        Assert.Equal(587, options.SmtpPort);
        Assert.True(options.SmtpUseTls);
        Assert.Equal(["Email"], options.EnabledChannels());
        Assert.Empty(new NotificationOptions().EnabledChannels());
    }

    [Fact]
    public void Backoff_doubles_from_one_minute_up_to_an_hour()
    {
        Assert.Equal(
            new[] { 1, 2, 4, 8, 16, 32, 60, 60 }.Select(minutes => TimeSpan.FromMinutes(minutes)),
            Enumerable.Range(1, 8).Select(NotificationRetryPolicy.BackoffAfter));
    }

    private static ServiceProvider Provider(IDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(NpgsqlDataSource.Create("Host=127.0.0.1;Database=unused"))
            .AddMassTransitTestHarness();
        services.AddSchedulerLoops(configuration);
        return services.BuildServiceProvider();
    }
}
