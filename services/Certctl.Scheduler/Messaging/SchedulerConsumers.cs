using Certctl.Scheduler.Notifications;
using MassTransit;

namespace Certctl.Scheduler.Messaging;

/// <summary>The scheduler's consumers, for <c>AddCertctlMessaging(bus => bus.AddSchedulerConsumers())</c>.</summary>
public static class SchedulerConsumers
{
    public static IBusRegistrationConfigurator AddSchedulerConsumers(this IBusRegistrationConfigurator bus)
    {
        // A wake-up is only a hint: a queue of its own per replica, deleted with it, so a stopped replica leaves no backlog.
        bus.AddConsumer<DispatchWakeupConsumer>().Endpoint(endpoint =>
        {
            endpoint.Temporary = true;
            endpoint.InstanceId = Environment.MachineName + "-" + Environment.ProcessId;
        });
        // Lifecycle notices: a durable queue shared by the replicas; the insert is idempotent by the event's key.
        bus.AddConsumer<LifecycleNotificationConsumer, LifecycleNotificationConsumerDefinition>();
        return bus;
    }
}
