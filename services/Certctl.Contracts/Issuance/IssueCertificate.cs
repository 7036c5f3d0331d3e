using Certctl.Domain;

namespace Certctl.Contracts;

/// <summary>Command to the CA connector: issue the certificate for this job row.</summary>
/// <remarks>
/// The job id is the idempotency key: a repeated command for a job that already has a version issues nothing new.
/// Names and SANs are read from the certificate row, not carried here, so the row stays the one truth.
/// </remarks>
/// <param name="CsrPem">The agent's CSR in agent key mode; null in server key mode, where the connector makes the key.</param>
/// <param name="Attempt">Which attempt this is, counting from 1, so the consumer can tell a retry from a duplicate.</param>
public sealed record IssueCertificate(
    string JobId,
    string CertificateId,
    string IssuerId,
    KeygenMode KeygenMode,
    string? CsrPem,
    int Attempt,
    DateTimeOffset RequestedAt);
