using Certctl.Contracts;
using Certctl.Scheduler.Dispatch;
using Certctl.Scheduler.Loops;
using MassTransit;

namespace Certctl.Scheduler.Messaging;

/// <summary>
/// Runs the dispatcher now when the gateway queued jobs (a manual or bulk renew), rather than at its next tick. Once jobs are Running
/// the dispatcher keeps looking for freed slots on its own (<c>CERTCTL_SCHEDULER_DISPATCH_BUSY_INTERVAL</c>), so completions need no
/// message here. Every scheduler replica gets every event (a temporary endpoint per instance); only the one holding the dispatch lock
/// runs.
/// </summary>
public sealed class DispatchWakeupConsumer([FromKeyedServices(JobDispatcher.LoopName)] LoopWakeup dispatch) : IConsumer<JobsQueued>
{
    public Task Consume(ConsumeContext<JobsQueued> context)
    {
        dispatch.Wake();
        return Task.CompletedTask;
    }
}
