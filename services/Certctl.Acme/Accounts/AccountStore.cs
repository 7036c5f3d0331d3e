using Certctl.Acme.Jws;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.Acme.Accounts;

/// <summary>Reads and writes <c>acme_accounts</c>. Accounts are per profile: a key registered on two profiles is two accounts.</summary>
public sealed class AccountStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "id, profile_id, jwk::text, contact, status, created_at, eab_kid";

    /// <summary>The account with this id in this profile, or null.</summary>
    public async Task<AcmeAccount?> FindAsync(string profileId, string accountId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM acme_accounts WHERE id = $1 AND profile_id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = accountId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = profileId });
        return await ReadOneAsync(command, cancellationToken);
    }

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
