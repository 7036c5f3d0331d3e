using Certctl.Domain;

namespace Certctl.Contracts;

/// <summary>Event: a certificate was recorded as revoked and will appear in the next CRL and OCSP answers.</summary>
/// <param name="IssuerNotified">False when the issuer's own revoke call failed; revocation stands regardless.</param>
public sealed record CertificateRevoked(
    string CertificateId,
    string IssuerId,
    string SerialNumber,
    RevocationReason Reason,
    bool IssuerNotified,
    DateTimeOffset RevokedAt);
