using Certctl.Acme.Authorizations;
using Certctl.Acme.Protocol;

namespace Certctl.Acme.Challenges;

/// <summary>A challenge with what validating it needs: its authorization's identifier, the account's key thumbprint, the profile's SSRF opt-in.</summary>
public sealed record ChallengeTarget(
    AcmeChallenge Challenge,
    string OrderId,
    string AccountId,
    string AccountThumbprint,
    AcmeIdentifier Identifier,
    string AuthorizationStatus,
    DateTimeOffset AuthorizationExpiresAt,
    bool AllowPrivateAddresses)
{
    /// <summary>RFC 8555 §8.1: <c>token || '.' || base64url(JWK thumbprint)</c>.</summary>
    public string KeyAuthorization => Challenge.Token + "." + AccountThumbprint;
}
