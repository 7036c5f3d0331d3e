namespace Certctl.AgentIngest.Csr;

/// <summary>A CSR for the certificate whose key the agent made.</summary>
public sealed record CsrRequest(string? CsrPem, string? CertificateId);

/// <summary>The CSR was accepted and sent to the CA connector; the certificate arrives as a deployment job on a later work poll.</summary>
public sealed record CsrAccepted(string Status, string JobId, string CertificateId);
