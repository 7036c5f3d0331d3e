using Certctl.Acme.Caching;
using Certctl.Acme.Jws;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Acme.Accounts;

/// <summary>
/// Reads and writes <c>acme_accounts</c>. Accounts are per profile: a key registered on two profiles is two accounts.
/// Every JWS request with a <c>kid</c> reads its account, so accounts are served from memory (<see cref="Cached"/>) while this
/// replica hears of their changes on <see cref="ChangeChannel"/> (migration 0027's trigger notifies every update and delete).
/// </summary>
public sealed class AccountStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The Postgres channel on which every change of an account row is notified, with the account's id.</summary>
    public const string ChangeChannel = "acme_account_changed";

    /// <summary>How many accounts stay in memory; the cache starts over when it is full.</summary>
    private const int AccountsKept = 10_000;

    private const string Columns = "id, profile_id, jwk::text, contact, status, created_at, eab_kid";

    /// <summary>Accounts read lately, by id, kept while the change channel is heard (see <see cref="NotifiedCache{TValue}"/>).</summary>
    public NotifiedCache<AcmeAccount> Cached { get; } = new(AccountsKept, TimeSpan.FromMinutes(5), time);

    /// <summary>The account with this id in this profile, or null.</summary>
    public async Task<AcmeAccount?> FindAsync(string profileId, string accountId, CancellationToken cancellationToken)
    {
        var account = await Cached.GetOrReadAsync(accountId, token => ReadAsync(profileId, accountId, token), cancellationToken);
        // An account never moves to another profile: one kept under another profile is not this profile's.
        return account?.ProfileId == profileId ? account : null;
    }

    private async Task<AcmeAccount?> ReadAsync(string profileId, string accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM acme_accounts WHERE id = $1 AND profile_id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = profileId });
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>
    /// This replica changed <paramref name="accountId"/>: forget it now rather than when the notification comes back, so the next
    /// request here sees the change.
    /// </summary>
    public void Changed(string accountId) => Cached.Forget(accountId);

    /// <summary>The account of this key in this profile, or null.</summary>
    public async Task<AcmeAccount?> FindByThumbprintAsync(string profileId, string thumbprint, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM acme_accounts WHERE profile_id = $1 AND jwk_thumbprint = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = profileId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = thumbprint });
        return await ReadOneAsync(command, cancellationToken);
    }

    internal static async Task<AcmeAccount?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new AcmeAccount(
            reader.GetString(0), reader.GetString(1), Jwk.Parse(reader.GetString(2)), reader.GetFieldValue<string[]>(3), reader.GetString(4),
            reader.GetFieldValue<DateTimeOffset>(5), reader.IsDBNull(6) ? null : reader.GetString(6));
    }

    /// <summary>A positional <c>jsonb</c> parameter.</summary>
    internal static NpgsqlParameter Json(string json) => new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = json };
}
