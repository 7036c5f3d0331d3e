using Certctl.Domain;

namespace Certctl.Issuance;

/// <summary>What the responder says about one certificate (RFC 6960 CertStatus).</summary>
public enum OcspCertStatus
{
    Good,
    Revoked,
    Unknown,
}

/// <summary>The answer for one requested CertID; <see cref="RevokedAt"/> and <see cref="Reason"/> only when revoked.</summary>
public sealed record OcspCertAnswer(OcspCertId CertId, OcspCertStatus Status, DateTimeOffset? RevokedAt = null, RevocationReason? Reason = null);
