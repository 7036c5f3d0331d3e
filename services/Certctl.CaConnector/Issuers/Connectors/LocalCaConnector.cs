using Certctl.CaConnector.Issuance;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers;

/// <summary>The local CA behind the connector seam: it signs at once, in memory, so every answer is a certificate.</summary>
public sealed class LocalCaConnector(LocalCertificateAuthority authority) : IIssuerConnector
{
    public bool SignsInProcess => true;

    public Task<IssuerResponse> IssueAsync(IssuerRequest request, CancellationToken cancellationToken)
    {
        if (request.CsrPem is null)
        {
            using var issuance = authority.IssueWithServerKey(request.Leaf, ProfileColumns.ServerKeyFor(request.Profile), request.Profile);
            return Task.FromResult(IssuerResponse.Issued(issuance.Certificate, issuance.PrivateKeyPkcs8.ToArray()));
        }

        return Task.FromResult(IssuerResponse.Issued(authority.IssueFromCsr(request.Leaf, request.CsrPem, request.Profile), null));
    }
}
