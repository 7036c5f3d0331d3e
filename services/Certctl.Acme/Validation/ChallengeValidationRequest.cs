using Certctl.Acme.Protocol;

namespace Certctl.Acme.Validation;

/// <summary>
/// What a validator needs: the identifier (without <c>*.</c>), the challenge token, the key authorization
/// (<c>token.base64url(JWK thumbprint)</c>, RFC 8555 §8.1), and whether the profile allows loopback, private and link-local targets.
/// </summary>
public sealed record ChallengeValidationRequest(
    AcmeIdentifier Identifier, string Token, string KeyAuthorization, bool AllowPrivateAddresses);
