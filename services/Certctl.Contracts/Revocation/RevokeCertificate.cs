using Certctl.Domain;

namespace Certctl.Contracts;

/// <summary>Command to the CA connector: revoke one issued certificate at its issuer.</summary>
/// <remarks>Idempotent by (IssuerId, SerialNumber), the key of <c>certificate_revocations</c>.</remarks>
/// <param name="RevokedBy">The actor who asked, for the audit trail.</param>
public sealed record RevokeCertificate(
    string CertificateId,
    string IssuerId,
    string SerialNumber,
    RevocationReason Reason,
    string RevokedBy,
    DateTimeOffset RequestedAt);
