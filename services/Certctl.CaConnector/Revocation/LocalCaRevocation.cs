using Certctl.CaConnector.Issuers;

namespace Certctl.CaConnector.Revocation;

/// <summary>
/// The local CA has nobody to tell: the <c>certificate_revocations</c> row is its record, and its CRL and OCSP responder, which
/// read that table, are its answer to the world. So it is notified as soon as the row exists.
/// </summary>
public sealed class LocalCaRevocation : IIssuerRevocation
{
    public bool Handles(IssuerRow issuer) => issuer.IsLocalCa;

    public Task<IssuerRevocationResult> RevokeAsync(IssuerRow issuer, RevocationRecord revocation, CancellationToken cancellationToken) =>
        Task.FromResult(IssuerRevocationResult.Done);
}
