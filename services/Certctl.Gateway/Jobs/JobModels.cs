namespace Certctl.Gateway.Jobs;

/// <summary>A job as the operator API shows it (the CSR and the deployment result stay internal).</summary>
public sealed record JobResponse(
    string Id,
    string Type,
    string CertificateId,
    string? TargetId,
    string? AgentId,
    string Status,
    int Attempts,
    int MaxAttempts,
    string? LastError,
    DateTimeOffset ScheduledAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? RequestedBy,
    string? ApprovedBy,
    DateTimeOffset? ApprovalDecidedAt,
    string VerificationStatus,
    DateTimeOffset? VerifiedAt,
    string? VerificationError,
    string? VerificationFingerprint,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>The body of <c>POST /jobs/{id}/approve</c>: an optional note kept on the approval request.</summary>
public sealed record ApproveJobRequest(string? Note);

/// <summary>The body of <c>POST /jobs/{id}/reject</c>: the reason, stored as <c>last_error = "rejected: &lt;reason&gt;"</c>.</summary>
public sealed record RejectJobRequest(string? Reason);

/// <summary>The answer to cancel, approve and reject: what happened, to which job, by whom and the job's new status.</summary>
public sealed record JobDecision(string Status, string JobId, string JobStatus, string DecidedBy);
