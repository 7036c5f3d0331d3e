using Certctl.Domain;

namespace Certctl.CaConnector.Revocation;

/// <summary>A <c>certificate_revocations</c> row as the connector needs it.</summary>
public sealed record RevocationRecord(
    string CertificateId, string IssuerId, string SerialNumber, RevocationReason Reason, DateTimeOffset RevokedAt, bool IssuerNotified, int NotifyAttempts);
