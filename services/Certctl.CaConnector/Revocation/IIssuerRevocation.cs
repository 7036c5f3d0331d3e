using Certctl.CaConnector.Issuers;

namespace Certctl.CaConnector.Revocation;

/// <summary>
/// How one kind of issuer is told that a certificate it issued is revoked. One implementation per issuer type; an async vendor
/// connector adds its own (calling the CA's revoke API) and registers it as another <see cref="IIssuerRevocation"/>.
/// </summary>
public interface IIssuerRevocation
{
    /// <summary>True when this implementation speaks for <paramref name="issuer"/>'s type.</summary>
    bool Handles(IssuerRow issuer);

    /// <summary>Tells the issuer. Throw for a transient failure (retried, then re-sent by the sweep); return a refusal for a permanent one.</summary>
    Task<IssuerRevocationResult> RevokeAsync(IssuerRow issuer, RevocationRecord revocation, CancellationToken cancellationToken);
}

/// <summary>The issuer's final answer: it knows (<see cref="Notified"/>), or it refused for good and <see cref="Error"/> says why.</summary>
public sealed record IssuerRevocationResult(bool Notified, string? Error)
{
    public static readonly IssuerRevocationResult Done = new(true, null);

    public static IssuerRevocationResult Refused(string error) => new(false, error);
}
