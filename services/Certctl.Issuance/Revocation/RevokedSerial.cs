using Certctl.Domain;

namespace Certctl.Issuance;

/// <summary>One entry of a CRL: a revoked serial (canonical lower-case hex), when it was revoked and why.</summary>
public sealed record RevokedSerial(string SerialHex, DateTimeOffset RevokedAt, RevocationReason Reason);
