using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;

namespace Certctl.Acme.Authorizations;

/// <summary>An authorization with its challenges; the identifier is the base domain (no <c>*.</c>) and <see cref="Wildcard"/> says whether the order asked for one.</summary>
public sealed record AcmeAuthorization(
    string Id,
    string OrderId,
    string AccountId,
    AcmeIdentifier Identifier,
    bool Wildcard,
    string Status,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<AcmeChallenge> Challenges);

/// <summary>A challenge of an authorization.</summary>
public sealed record AcmeChallenge(
    string Id, string AuthorizationId, string Type, string Token, string Status, DateTimeOffset? ValidatedAt, AcmeProblem? Error);
