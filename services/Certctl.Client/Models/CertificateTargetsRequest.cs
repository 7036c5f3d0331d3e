namespace Certctl.Client.Models;

/// <summary>The body of <c>PUT /api/v1/certificates/{id}/targets</c>: the complete new set (empty clears it).</summary>
public sealed record CertificateTargetsRequest(IReadOnlyList<string> TargetIds);
