using System.Globalization;
using Certctl.Contracts;
using Certctl.Domain;
using MassTransit;

namespace Certctl.Scheduler.Notifications;

/// <summary>
/// Turns lifecycle events into notices: <see cref="CertificateIssued"/> → RenewalSuccess, <see cref="IssuanceFailed"/> once the job has
/// given up (not retryable: the CA refused, or every attempt is spent) → RenewalFailure, <see cref="CertificateRevoked"/> → Revocation.
/// Keyed by job id, or by issuer and serial for a revocation, so a redelivered event notifies once.
/// </summary>
public sealed class LifecycleNotificationConsumer(LifecycleNotices notices)
    : IConsumer<CertificateIssued>, IConsumer<IssuanceFailed>, IConsumer<CertificateRevoked>
{
    public Task Consume(ConsumeContext<CertificateIssued> context)
    {
        var issued = context.Message;
        return notices.WriteAsync(
            "RenewalSuccess",
            $"issued:{issued.JobId}",
            issued.CertificateId,
            "Certificate %s (%s) has a new version: serial " + LifecycleNotices.Literal(issued.SerialNumber) + ", valid until " + Date(issued.NotAfter) + ".",
            context.CancellationToken);
    }

    public Task Consume(ConsumeContext<IssuanceFailed> context)
    {
        var failed = context.Message;
        if (failed.Retryable)
        {
            return Task.CompletedTask; // the retry loop tries again; only the final failure is news
        }

        return notices.WriteAsync(
            "RenewalFailure",
            $"failed:{failed.JobId}",
            failed.CertificateId,
            "Renewal of certificate %s (%s) failed and will not be retried: " + LifecycleNotices.Literal(failed.Reason) + ". Renew it by hand once the cause is fixed.",
            context.CancellationToken);
    }

    public Task Consume(ConsumeContext<CertificateRevoked> context)
    {
        var revoked = context.Message;
        return notices.WriteAsync(
            "Revocation",
            $"revoked:{revoked.IssuerId}:{revoked.SerialNumber}",
            revoked.CertificateId,
            "Certificate %s (%s) was revoked (reason " + LifecycleNotices.Literal(revoked.Reason.ToWire()) + ", serial "
                + LifecycleNotices.Literal(revoked.SerialNumber) + ") on " + Date(revoked.RevokedAt) + ".",
            context.CancellationToken);
    }

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
