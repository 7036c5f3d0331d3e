using Certctl.Contracts;
using MassTransit;

namespace Certctl.CaConnector.Issuance;

/// <summary>
/// Retries and redeliveries of an <see cref="IssueCertificate"/> are spent: fail the job with the attempt counted and
/// publish <see cref="IssuanceFailed"/>; the scheduler's retry loop re-queues it while attempts remain.
/// </summary>
public sealed class IssueCertificateFaultConsumer(IssuanceJobStore jobs, TimeProvider time, ILogger<IssueCertificateFaultConsumer> logger)
    : IConsumer<Fault<IssueCertificate>>
{
    public async Task Consume(ConsumeContext<Fault<IssueCertificate>> context)
    {
        var command = context.Message.Message;
        var error = context.Message.Exceptions.FirstOrDefault() is { } exception
            ? $"{exception.ExceptionType}: {exception.Message}"
            : "issuance failed";
        var failed = await jobs.FailRetryableAsync(command.JobId, command.Attempt, error, context.CancellationToken);
        if (failed is null)
        {
            return;
        }

        logger.LogWarning("Job {JobId} failed on attempt {Attempt} of {MaxAttempts}: {Error}", command.JobId, failed.Attempts, failed.MaxAttempts, error);
        await context.Publish(new IssuanceFailed(command.JobId, failed.CertificateId, error, failed.Retryable, time.GetUtcNow()), context.CancellationToken);
    }
}
