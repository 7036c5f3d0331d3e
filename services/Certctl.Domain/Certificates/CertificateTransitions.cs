namespace Certctl.Domain;

/// <summary>The legal status changes of a managed certificate; Revoked and Archived are final.</summary>
/// <remarks>The operator API must go through these too: the original let <c>PUT</c> write any status.</remarks>
public static class CertificateTransitions
{
    /// <summary>Every certificate row starts here.</summary>
    public const CertificateStatus Initial = CertificateStatus.Pending;

    public static TransitionTable<CertificateStatus> Table { get; } = new("certificate",
    [
        (CertificateStatus.Pending, CertificateStatus.Active),
        (CertificateStatus.Pending, CertificateStatus.Failed),
        (CertificateStatus.Pending, CertificateStatus.Archived),

        (CertificateStatus.Active, CertificateStatus.Expiring),
        (CertificateStatus.Active, CertificateStatus.Expired),
        (CertificateStatus.Active, CertificateStatus.RenewalInProgress),
        (CertificateStatus.Active, CertificateStatus.Revoked),
        (CertificateStatus.Active, CertificateStatus.Archived),

        // Back to Active when the window no longer covers it: a shorter policy window, or a newer version
        // that arrived outside a renewal job.
        (CertificateStatus.Expiring, CertificateStatus.RenewalInProgress),
        (CertificateStatus.Expiring, CertificateStatus.Expired),
        (CertificateStatus.Expiring, CertificateStatus.Active),
        (CertificateStatus.Expiring, CertificateStatus.Revoked),
        (CertificateStatus.Expiring, CertificateStatus.Archived),

        (CertificateStatus.Expired, CertificateStatus.RenewalInProgress),
        (CertificateStatus.Expired, CertificateStatus.Revoked),
        (CertificateStatus.Expired, CertificateStatus.Archived),

        // Failed is written when renewal gives up, so a stuck cert is visible instead of sitting in RenewalInProgress.
        (CertificateStatus.RenewalInProgress, CertificateStatus.Active),
        (CertificateStatus.RenewalInProgress, CertificateStatus.Failed),
        (CertificateStatus.RenewalInProgress, CertificateStatus.Revoked),
        (CertificateStatus.RenewalInProgress, CertificateStatus.Archived),

        (CertificateStatus.Failed, CertificateStatus.RenewalInProgress),
        (CertificateStatus.Failed, CertificateStatus.Pending),
        (CertificateStatus.Failed, CertificateStatus.Revoked),
        (CertificateStatus.Failed, CertificateStatus.Archived),
    ]);

    public static bool CanTransition(CertificateStatus from, CertificateStatus to) => Table.CanTransition(from, to);

    public static void EnsureTransition(CertificateStatus from, CertificateStatus to) => Table.EnsureTransition(from, to);

    public static bool IsTerminal(CertificateStatus status) => Table.IsTerminal(status);
}
