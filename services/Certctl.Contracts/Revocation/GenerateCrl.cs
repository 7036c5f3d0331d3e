namespace Certctl.Contracts;

/// <summary>Command to the CA connector: make sure the issuer's CRL is current, regenerating and storing it if it is not.</summary>
/// <remarks>
/// Idempotent: the connector skips the work when the stored CRL already lists every revocation of the issuer and was made at or
/// after <see cref="RequestedAt"/>, so a repeated or late command costs one read.
/// </remarks>
/// <param name="RequestedBy">Who asked (<c>crl-pregeneration</c>, <c>gateway</c>), for the log.</param>
public sealed record GenerateCrl(string IssuerId, string RequestedBy, DateTimeOffset RequestedAt);
