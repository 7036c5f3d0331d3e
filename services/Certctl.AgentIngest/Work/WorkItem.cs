using System.Text.Json;

namespace Certctl.AgentIngest.Work;

/// <summary>
/// One job as the agent sees it. Deployment items carry the target's type and its full (decrypted) configuration; CSR
/// requests (status <c>AwaitingCSR</c>) carry the names the CSR should hold.
/// </summary>
public sealed record WorkItem(
    string Id,
    string Type,
    string CertificateId,
    string Status,
    string? CommonName,
    IReadOnlyList<string>? Sans,
    string? TargetId,
    string? TargetType,
    JsonElement? TargetConfig);

/// <summary>The answer to a work poll: deployments first, then CSR requests, oldest first within each.</summary>
public sealed record WorkResponse(IReadOnlyList<WorkItem> Jobs, int Count);
