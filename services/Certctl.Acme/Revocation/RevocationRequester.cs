namespace Certctl.Acme.Revocation;

/// <summary>
/// Who asks for a revocation (RFC 8555 §7.6): an account (<c>kid</c>), which must own the order that produced the certificate, or the
/// holder of the certificate's key (<c>jwk</c>), whose JWK thumbprint must be that of the certificate's public key.
/// </summary>
public sealed record RevocationRequester(string? AccountId, string? KeyThumbprint)
{
    public static RevocationRequester Account(string accountId) => new(accountId, null);

    public static RevocationRequester CertificateKey(string jwkThumbprint) => new(null, jwkThumbprint);
}
