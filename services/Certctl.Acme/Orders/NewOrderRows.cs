using Certctl.Acme.Challenges;
using Certctl.Acme.Protocol;
using Certctl.Domain;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Certctl.Acme.Orders;

/// <summary>The rows one new order writes: the order, one authorization per identifier, and the challenges each authorization offers.</summary>
public sealed record NewOrderRows(
    string OrderId,
    string AccountId,
    string ProfileId,
    string Status,
    IReadOnlyList<AcmeIdentifier> Identifiers,
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotAfter,
    DateTimeOffset ExpiresAt,
    string? Replaces,
    IReadOnlyList<NewAuthorizationRow> Authorizations)
{
    /// <summary>
    /// Plans an order. In trust mode authorizations and challenges are born valid (the account's signature is the proof) and the order
    /// ready; in challenge mode all are pending.
    /// </summary>
    public static NewOrderRows Plan(
        IdGenerator ids, string accountId, AcmeProfilePolicy profile, IReadOnlyList<AcmeIdentifier> identifiers, DateTimeOffset? notBefore,
        DateTimeOffset? notAfter, string? replaces, DateTimeOffset now, AcmeOrderOptions options)
    {
        var trusted = profile.AuthMode == AcmeAuthMode.TrustAuthenticated;
        var itemStatus = trusted ? AcmeStatus.Valid : AcmeStatus.Pending;
        var authorizations = identifiers.Select(identifier =>
        {
            var wildcard = identifier.Value.StartsWith("*.", StringComparison.Ordinal);
            // The authorization names the base domain; the order keeps the "*." (RFC 8555 §7.1.4, the original's GAP-6).
            var authorized = wildcard ? identifier with { Value = identifier.Value[2..] } : identifier;
            var types = ChallengeTypes.For(authorized, wildcard);
            // In trust mode one challenge stands for the proof that was never asked for; offering three valid ones would say more than happened.
            var offered = trusted ? types.Take(1) : types;
            return new NewAuthorizationRow(
                ids.NewId(IdPrefix.AcmeAuthorization), authorized, wildcard, itemStatus, now + options.AuthorizationTtl,
                [.. offered.Select(type => new NewChallengeRow(ids.NewId(IdPrefix.AcmeChallenge), type, NewToken(), itemStatus, trusted ? now : null))]);
        }).ToArray();
        return new NewOrderRows(
            ids.NewId(IdPrefix.AcmeOrder), accountId, profile.ProfileId, trusted ? AcmeStatus.Ready : AcmeStatus.Pending, identifiers,
            notBefore, notAfter, now + options.OrderTtl, replaces, authorizations);
    }

    /// <summary>A challenge token: 256 random bits, base64url (RFC 8555 §8.1 asks for at least 128; the original had 80, its GAP-4).</summary>
    public static string NewToken()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}

/// <summary>One authorization of a new order.</summary>
public sealed record NewAuthorizationRow(
    string Id, AcmeIdentifier Identifier, bool Wildcard, string Status, DateTimeOffset ExpiresAt, IReadOnlyList<NewChallengeRow> Challenges);

/// <summary>One challenge of a new authorization.</summary>
public sealed record NewChallengeRow(string Id, string Type, string Token, string Status, DateTimeOffset? ValidatedAt);
