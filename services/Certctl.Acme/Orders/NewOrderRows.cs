using Certctl.Acme.Challenges;
using Certctl.Acme.Protocol;
using Certctl.Domain;
using System.Buffers.Text;
using System.Security.Cryptography;

namespace Certctl.Acme.Orders;

/// <summary>
/// The rows one new order writes: the order, one new authorization per identifier that has no reusable one, the challenges each new
/// authorization offers, and the order's list of authorizations (<see cref="AuthorizationIds"/>, new and reused, in request order).
/// </summary>
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
    IReadOnlyList<NewAuthorizationRow> Authorizations,
    IReadOnlyList<string> AuthorizationIds)
{
    /// <summary>
    /// Plans an order. In trust mode authorizations and challenges are born valid (the account's signature is the proof) and the order
    /// ready; in challenge mode new ones are pending, an identifier with a <paramref name="reusable"/> authorization lists that one
    /// instead, and the order is ready when every identifier had one. The order expires no later than the first reused authorization.
    /// </summary>
    public static NewOrderRows Plan(
        IdGenerator ids, string accountId, AcmeProfilePolicy profile, IReadOnlyList<AcmeIdentifier> identifiers, DateTimeOffset? notBefore,
        DateTimeOffset? notAfter, string? replaces, DateTimeOffset now, AcmeOrderOptions options,
        IReadOnlyDictionary<(AcmeIdentifier Identifier, bool Wildcard), ReusableAuthorization>? reusable = null)
    {
        var trusted = profile.AuthMode == AcmeAuthMode.TrustAuthenticated;
        var itemStatus = trusted ? AcmeStatus.Valid : AcmeStatus.Pending;
        var created = new List<NewAuthorizationRow>();
        var listed = new List<string>();
        var expiresAt = now + options.OrderTtl;
        foreach (var (authorized, wildcard) in identifiers.Select(Authorized))
        {
            if (!trusted && reusable is not null && reusable.TryGetValue((authorized, wildcard), out var reused))
            {
                listed.Add(reused.Id);
                expiresAt = reused.ExpiresAt < expiresAt ? reused.ExpiresAt : expiresAt;
                continue;
            }

            var types = ChallengeTypes.For(authorized, wildcard);
            // In trust mode one challenge stands for the proof that was never asked for; offering three valid ones would say more than happened.
            var offered = trusted ? types.Take(1) : types;
            var row = new NewAuthorizationRow(
                ids.NewId(IdPrefix.AcmeAuthorization), authorized, wildcard, itemStatus, now + options.AuthorizationTtl,
                [.. offered.Select(type => new NewChallengeRow(ids.NewId(IdPrefix.AcmeChallenge), type, NewToken(), itemStatus, trusted ? now : null))],
                ChallengeProven: !trusted);
            created.Add(row);
            listed.Add(row.Id);
        }

        var status = trusted || created.Count == 0 ? AcmeStatus.Ready : AcmeStatus.Pending;
        return new NewOrderRows(
            ids.NewId(IdPrefix.AcmeOrder), accountId, profile.ProfileId, status, identifiers, notBefore, notAfter, expiresAt, replaces, created, listed);
    }

    /// <summary>
    /// What an authorization names for an order identifier: the base domain with <c>wildcard</c> set for <c>*.</c> names; the order keeps
    /// the <c>*.</c> (RFC 8555 §7.1.4, the original's GAP-6).
    /// </summary>
    public static (AcmeIdentifier Identifier, bool Wildcard) Authorized(AcmeIdentifier identifier) =>
        identifier.Value.StartsWith("*.", StringComparison.Ordinal) ? (identifier with { Value = identifier.Value[2..] }, true) : (identifier, false);

    /// <summary>A challenge token: 256 random bits, base64url (RFC 8555 §8.1 asks for at least 128; the original had 80, its GAP-4).</summary>
    public static string NewToken()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}

/// <summary>One authorization of a new order.</summary>
/// <param name="ChallengeProven">Created in challenge mode: only a validator can make it valid, so it may be reused and back revocations.</param>
public sealed record NewAuthorizationRow(
    string Id, AcmeIdentifier Identifier, bool Wildcard, string Status, DateTimeOffset ExpiresAt, IReadOnlyList<NewChallengeRow> Challenges,
    bool ChallengeProven);

/// <summary>One challenge of a new authorization.</summary>
public sealed record NewChallengeRow(string Id, string Type, string Token, string Status, DateTimeOffset? ValidatedAt);
