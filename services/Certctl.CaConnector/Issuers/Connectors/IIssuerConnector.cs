using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers;

/// <summary>
/// One issuer as the issuance pipeline sees it. A synchronous connector (the local CA) answers with a certificate; an
/// asynchronous one (<see cref="IAsyncIssuerConnector"/>) may answer with a pending order that is polled later.
/// </summary>
public interface IIssuerConnector
{
    /// <summary>Issues, or takes an order for, the certificate of <paramref name="request"/>.</summary>
    /// <exception cref="IssuanceRejectedException">A client error: sending the same request again cannot help.</exception>
    /// <exception cref="IssuerUnavailableException">The CA is unreachable, overloaded (429) or failing (5xx); try again later.</exception>
    /// <exception cref="CertificateAuthorityException">The issuer is misconfigured or its CA cannot sign; an operator has to act.</exception>
    Task<IssuerResponse> IssueAsync(IssuerRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// True when issuing has no effect outside this process until the version is stored (the local CA signs in memory), so the
    /// dispatcher's claim, which already counted the attempt, is record enough; a connector that calls a CA records it again first.
    /// </summary>
    bool SignsInProcess => false;
}

/// <summary>What to issue: the certificate row's names, the profile, and the agent's CSR, or none in server key mode (the connector makes the key).</summary>
public sealed record IssuerRequest(LeafRequest Leaf, IssuanceProfile Profile, string? CsrPem);
