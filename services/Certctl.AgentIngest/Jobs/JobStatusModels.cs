namespace Certctl.AgentIngest.Jobs;

/// <summary>An agent's report on one of its jobs: <c>Running</c>, <c>Completed</c> or <c>Failed</c>, with the reason of a failure.</summary>
public sealed record JobStatusReport(string? Status, string? Error);

/// <summary>The report was recorded (or was already true).</summary>
public sealed record JobStatusUpdated(string Status, string JobId, string JobStatus);

/// <summary>The agent's post-deployment TLS check of a job's target.</summary>
/// <param name="ActualFingerprint">SHA-256 of the leaf the endpoint served; empty when the probe could not connect (then <paramref name="Error"/> says why).</param>
public sealed record VerificationReport(string? TargetId, string? ExpectedFingerprint, string? ActualFingerprint, bool? Verified, string? Error);

/// <summary>The verification as stored on the job.</summary>
public sealed record VerificationRecorded(string JobId, bool Verified, string VerificationStatus, DateTimeOffset VerifiedAt);
