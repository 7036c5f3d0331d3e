using MassTransit;

namespace Certctl.Scheduler.Notifications;

/// <summary>
/// One durable queue shared by every scheduler replica (competing consumers), a few messages at a time, and in-process retries for a
/// database that is briefly away; the insert is idempotent, so a retry or redelivery never doubles a notice.
/// </summary>
public sealed class LifecycleNotificationConsumerDefinition : ConsumerDefinition<LifecycleNotificationConsumer>
{
    public const int ConcurrencyLimit = 8;

    public LifecycleNotificationConsumerDefinition() => ConcurrentMessageLimit = ConcurrencyLimit;

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LifecycleNotificationConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.PrefetchCount = ConcurrencyLimit;
        endpointConfigurator.UseMessageRetry(retry =>
            retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500)));
    }
}
