using Certctl.Scheduler.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Scheduler.Tests.Notifications;

/// <summary>The scheduler's notification registrations (bound from <c>CERTCTL_*</c> settings) on the test's database and fake clock.</summary>
internal sealed class DeliveryHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public DeliveryHost(Database db, IDictionary<string, string?> settings)
    {
        // An unset variable is absent, not empty (an empty port would bind as 0).
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Where(setting => setting.Value is not null)).Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<NpgsqlDataSource>(db.DataSource)
            .AddSingleton<TimeProvider>(db.Clock)
            .AddNotifications(configuration);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        Pending = ActivatorUtilities.CreateInstance<PendingNotificationDelivery>(_provider);
        Retry = ActivatorUtilities.CreateInstance<NotificationRetryDelivery>(_provider);
    }

    public PendingNotificationDelivery Pending { get; }

    public NotificationRetryDelivery Retry { get; }

    public NotificationQueue Queue => _provider.GetRequiredService<NotificationQueue>();

    public NotificationOptions Options => _provider.GetRequiredService<IOptions<NotificationOptions>>().Value;

    public static Dictionary<string, string?> Settings(WebhookReceiver? webhook = null, FakeSmtpServer? smtp = null, string? secret = null, int batch = 100) => new()
    {
        ["CERTCTL_WEBHOOK_URL"] = webhook?.Url.ToString(),
        ["CERTCTL_WEBHOOK_SECRET"] = secret,
        ["CERTCTL_SMTP_HOST"] = smtp is null ? null : "127.0.0.1",
        ["CERTCTL_SMTP_PORT"] = smtp?.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["CERTCTL_SMTP_USE_TLS"] = "false",
        ["CERTCTL_SMTP_FROM_ADDRESS"] = "certctl@example.com",
        ["CERTCTL_NOTIFICATION_TIMEOUT_SECONDS"] = "5",
        ["CERTCTL_NOTIFICATION_BATCH_SIZE"] = batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
