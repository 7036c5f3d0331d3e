using System.Text.Json;

namespace Certctl.Agent.Client;

/// <summary>Answer of <c>GET /api/v1/agents/{id}/work</c>: deployment jobs first, then CSR jobs, oldest first.</summary>
public sealed record WorkResponse(IReadOnlyList<WorkItem>? Jobs, int Count);

/// <summary>One job for this agent; target fields come from the target row, CN and SANs only on AwaitingCSR items.</summary>
public sealed record WorkItem(
    string Id,
    string Type,
    string CertificateId,
    string Status,
    string? TargetId = null,
    string? TargetType = null,
    JsonElement? TargetConfig = null,
    string? CommonName = null,
    IReadOnlyList<string>? Sans = null);

/// <summary>Body of <c>POST /api/v1/agents/{id}/csr</c>.</summary>
public sealed record CsrSubmission(string CsrPem, string CertificateId);

/// <summary>Answer of <c>GET /api/v1/agents/{id}/certificates/{cert_id}</c>: leaf PEM, then the chain PEM.</summary>
public sealed record CertificatePickup(string CertificatePem);

/// <summary>Body of <c>POST /api/v1/agents/{id}/jobs/{job_id}/status</c>.</summary>
public sealed record JobStatusReport(string Status, string? Error = null);

/// <summary>Body of the verification report: what the endpoint served against what was deployed.</summary>
public sealed record VerificationReport(string? TargetId, string ExpectedFingerprint, string? ActualFingerprint, bool Verified, string? Error);

/// <summary>The job vocabulary the agent reads and reports (the server's wire names).</summary>
public static class JobWireNames
{
    public const string AwaitingCsr = "AwaitingCSR";
    public const string Deployment = "Deployment";
    public const string Running = "Running";
    public const string Completed = "Completed";
    public const string Failed = "Failed";
}
