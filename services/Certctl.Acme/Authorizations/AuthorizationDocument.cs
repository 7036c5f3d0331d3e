using Certctl.Acme.Http;
using System.Text.Json.Serialization;
using Certctl.Acme.Orders;
using Certctl.Acme.Protocol;

namespace Certctl.Acme.Authorizations;

/// <summary>The RFC 8555 §7.1.4 authorization object.</summary>
public sealed record AuthorizationDocument(
    [property: JsonPropertyName("identifier")] AcmeIdentifier Identifier,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("expires")] string Expires,
    [property: JsonPropertyName("challenges")] IReadOnlyList<ChallengeDocument> Challenges,
    [property: JsonPropertyName("wildcard")] bool? Wildcard)
{
    public static AuthorizationDocument From(AcmeAuthorization authorization, AcmeUrls urls) => new(
        authorization.Identifier,
        authorization.Status,
        AcmeJson.Time(authorization.ExpiresAt),
        [.. authorization.Challenges.Select(challenge => ChallengeDocument.From(challenge, urls))],
        authorization.Wildcard ? true : null);
}

/// <summary>The RFC 8555 §8 challenge object.</summary>
public sealed record ChallengeDocument(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("validated")] string? Validated,
    [property: JsonPropertyName("error")] ProblemDocument? Error)
{
    public static ChallengeDocument From(AcmeChallenge challenge, AcmeUrls urls) => new(
        challenge.Type,
        urls.Challenge(challenge.Id),
        challenge.Status,
        challenge.Token,
        challenge.ValidatedAt is { } validated ? AcmeJson.Time(validated) : null,
        challenge.Error is { } error ? StoredProblem.ToDocument(error) : null);
}
