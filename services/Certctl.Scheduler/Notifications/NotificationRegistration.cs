using Microsoft.Extensions.Options;

namespace Certctl.Scheduler.Notifications;

/// <summary>The notification options (validated on start), the two channels, the queue and the lifecycle notice writer.</summary>
public static class NotificationRegistration
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.AddSingleton<NotificationMetrics>();
        services.AddSingleton<NotificationQueue>();
        services.AddSingleton<NotificationSender>();
        services.AddSingleton<LifecycleNotices>();
        services.AddSingleton<INotificationChannel, SmtpChannel>();
        services.AddSingleton<INotificationChannel, WebhookChannel>();
        // New rows go out as soon as they are written (expiry scan, lifecycle notices), not at the delivery loop's next tick.
        services.AddKeyedSingleton<Loops.LoopWakeup>(NotificationDelivery.PendingLoopName);
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, and the one way to take a default handler off
        services.AddHttpClient(WebhookChannel.HttpClientName)
            .ConfigureHttpClient((provider, client) => client.Timeout = provider.GetRequiredService<IOptions<NotificationOptions>>().Value.Timeout)
            // The delivery loops retry with their own backoff and budget; ServiceDefaults' resilience handler would multiply the tries.
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return services;
    }
}
