using Certctl.Acme.Protocol;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Acme.Orders;

/// <summary>
/// Authorization reuse (RFC 8555 §7.1.3): the account's valid authorizations a new challenge-mode order may list instead of new ones,
/// found for all of the order's identifiers in one query. Only proven ones count (<c>challenge_proven</c>: created in challenge mode,
/// so a validator made them valid), validated within <c>CERTCTL_ACME_SERVER_AUTHZ_REUSE_MAX_AGE_SECONDS</c>, of the same profile,
/// and valid for at least <see cref="MinimumRemaining"/> more, so the client has time to finalize.
/// </summary>
public sealed class ReusableAuthorizations(NpgsqlDataSource db, IOptions<AcmeOrderOptions> options)
{
    /// <summary>The least lifetime an authorization must have left to be reused.</summary>
    public static readonly TimeSpan MinimumRemaining = TimeSpan.FromMinutes(10);

    /// <summary>For each identifier (as authorized: base domain and wildcard flag) that has one, the reusable authorization expiring last.</summary>
    public async Task<IReadOnlyDictionary<(AcmeIdentifier Identifier, bool Wildcard), ReusableAuthorization>> FindAsync(
        string accountId, string profileId, IReadOnlyList<(AcmeIdentifier Identifier, bool Wildcard)> identifiers, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<(AcmeIdentifier, bool), ReusableAuthorization>();
        if (!options.Value.AuthorizationReuseEnabled || identifiers.Count == 0)
        {
            return found;
        }

        await using var command = db.CreateCommand("""
            SELECT DISTINCT ON (a.identifier_type, a.identifier_value, a.wildcard)
                   a.id, a.identifier_type, a.identifier_value, a.wildcard, a.expires_at
            FROM unnest(@types, @values, @wildcards) AS i(type, value, wildcard)
            JOIN acme_authorizations a
              ON a.account_id = @account AND a.identifier_type = i.type AND a.identifier_value = i.value AND a.wildcard = i.wildcard
                 AND a.status = 'valid'
            JOIN acme_orders o ON o.id = a.order_id AND o.profile_id = @profile
            WHERE a.challenge_proven AND a.expires_at > @usable_until
              AND EXISTS (SELECT 1 FROM acme_challenges c WHERE c.authorization_id = a.id AND c.status = 'valid' AND c.validated_at >= @oldest)
            ORDER BY a.identifier_type, a.identifier_value, a.wildcard, a.expires_at DESC
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("account", accountId));
        command.Parameters.Add(new NpgsqlParameter<string>("profile", profileId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. identifiers.Select(i => i.Identifier.Type)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("values", [.. identifiers.Select(i => i.Identifier.Value)]));
        command.Parameters.Add(new NpgsqlParameter<bool[]>("wildcards", [.. identifiers.Select(i => i.Wildcard)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("usable_until", now + MinimumRemaining));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("oldest", now - options.Value.AuthorizationReuseMaxAge));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found[(new AcmeIdentifier(reader.GetString(1), reader.GetString(2)), reader.GetBoolean(3))] =
                new ReusableAuthorization(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(4));
        }

        return found;
    }
}

/// <summary>A valid authorization a new order lists again.</summary>
public sealed record ReusableAuthorization(string Id, DateTimeOffset ExpiresAt);
