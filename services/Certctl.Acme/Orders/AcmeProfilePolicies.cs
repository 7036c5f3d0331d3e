using System.Text.RegularExpressions;
using Certctl.Acme.Caching;
using Certctl.Issuance;
using Npgsql;

namespace Certctl.Acme.Orders;

/// <summary>
/// A profile's ACME policy, read by every new order and finalize. Policies are served from memory (<see cref="Cached"/>) while this
/// replica hears of profile changes on <see cref="ChangeChannel"/> (migration 0027's trigger notifies every insert, update and
/// delete), so an operator's change applies to the next order once it commits, on every replica.
/// </summary>
public sealed class AcmeProfilePolicies(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>The Postgres channel on which every change of a <c>certificate_profiles</c> row is notified, with the profile's id.</summary>
    public const string ChangeChannel = "certificate_profile_changed";

    /// <summary>How many profiles' policies stay in memory; the cache starts over when it is full.</summary>
    private const int PoliciesKept = 1_000;

    // Patterns come from operators, but a pathological one must not stall a request thread.
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>How many distinct patterns stay parsed; the cache starts over when it is full.</summary>
    private const int PatternsKept = 1_000;

    // The row is read on every order, but its patterns rarely change: parsing each one anew per request cost more CPU than the
    // query. A Regex is immutable and thread-safe, and the text is the key, so an entry is never stale.
    private static readonly ParsedTextCache<Regex> Patterns =
        new(PatternsKept, pattern => new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout));

    /// <summary>Policies read lately, by profile id, kept while the change channel is heard (see <see cref="NotifiedCache{TValue}"/>).</summary>
    public NotifiedCache<AcmeProfilePolicy> Cached { get; } = new(PoliciesKept, TimeSpan.FromMinutes(5), time);

    /// <summary>The policy of <paramref name="profileId"/>; null when there is no such profile.</summary>
    /// <exception cref="CertificateAuthorityException">The profile holds a key rule or usage the engine cannot apply.</exception>
    public Task<AcmeProfilePolicy?> FindAsync(string profileId, CancellationToken cancellationToken) =>
        Cached.GetOrReadAsync(profileId, token => ReadAsync(profileId, token), cancellationToken);

    private async Task<AcmeProfilePolicy?> ReadAsync(string profileId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            SELECT acme_auth_mode, acme_allow_private_addresses, required_san_patterns,
                   allowed_key_algorithms::text, max_ttl_seconds, allowed_ekus, must_staple, requires_approval
            FROM certificate_profiles WHERE id = @id
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("id", profileId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var mode = reader.GetString(0) == "challenge" ? AcmeAuthMode.Challenge : AcmeAuthMode.TrustAuthenticated;
        var patterns = reader.GetFieldValue<string[]>(2)
            .Select(Patterns.Get)
            .ToArray();
        var issuance = ProfileColumns.ToProfile(reader.GetString(3), reader.GetInt32(4), reader.GetFieldValue<string[]>(5), reader.GetBoolean(6));
        return new AcmeProfilePolicy(profileId, mode, reader.GetBoolean(1), patterns, issuance, reader.GetBoolean(7));
    }
}
