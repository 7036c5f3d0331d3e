using Certctl.Contracts;
using Certctl.Scheduler.Dispatch;
using Certctl.Scheduler.Loops;
using MassTransit;

namespace Certctl.Scheduler.Messaging;

/// <summary>
/// Runs the dispatcher now when an issuance slot frees (a job completed or failed) or jobs were queued by the gateway, so throughput
/// is bounded by the CA, not by the dispatch tick (25 jobs per 30 s tick would drain 10,000 renewals in over three hours).
/// Every scheduler replica gets every event (a temporary endpoint per instance); only the one holding the dispatch lock runs.
/// </summary>
public sealed class DispatchWakeupConsumer([FromKeyedServices(JobDispatcher.LoopName)] LoopWakeup dispatch)
    : IConsumer<CertificateIssued>, IConsumer<IssuanceFailed>, IConsumer<JobsQueued>
{
    public Task Consume(ConsumeContext<CertificateIssued> context) => Wake();

    public Task Consume(ConsumeContext<IssuanceFailed> context) => Wake();

    public Task Consume(ConsumeContext<JobsQueued> context) => Wake();

    private Task Wake()
    {
        dispatch.Wake();
        return Task.CompletedTask;
    }
}
