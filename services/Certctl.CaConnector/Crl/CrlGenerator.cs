using System.Numerics;
using System.Security.Cryptography;
using Certctl.CaConnector.Issuers;
using Certctl.CaConnector.Revocation;
using Certctl.Domain;
using Certctl.Issuance;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.CaConnector.Crl;

/// <summary>
/// Makes an issuer's CRL current: under a per-issuer transaction-scoped advisory lock it reads the stored CRL and the issuer's
/// revocations, and when the CRL is missing, lists fewer revocations than exist, or is older than the request, signs the next one
/// (CRL number + 1) with the CA key and stores it in <c>crl_cache</c> with a strong ETag. The lock serialises generators on every
/// replica, so numbers never collide; the table's trigger refuses any that would not increase.
/// </summary>
public sealed class CrlGenerator(
    NpgsqlDataSource db, IssuerRegistry issuers, IOptions<RevocationOptions> options, TimeProvider time, ILogger<CrlGenerator> logger)
{
    private const string Lock = "SELECT pg_advisory_xact_lock(hashtextextended('certctl.crl.' || @issuer_id, 0))";

    private const string Current = "SELECT crl_number, revoked_count, generated_at FROM crl_cache WHERE issuer_id = @issuer_id";

    private const string Count = "SELECT count(*) FROM certificate_revocations WHERE issuer_id = @issuer_id";

    private const string Revocations = """
        SELECT serial_number, revoked_at, reason FROM certificate_revocations
        WHERE issuer_id = @issuer_id ORDER BY revoked_at, serial_number
        """;

    private const string Store = """
        INSERT INTO crl_cache (issuer_id, crl_der, crl_number, this_update, next_update, etag, revoked_count, generated_at)
        VALUES (@issuer_id, @crl_der, @crl_number, @this_update, @next_update, @etag, @revoked_count, @this_update)
        ON CONFLICT (issuer_id) DO UPDATE SET crl_der = EXCLUDED.crl_der, crl_number = EXCLUDED.crl_number, this_update = EXCLUDED.this_update,
            next_update = EXCLUDED.next_update, etag = EXCLUDED.etag, revoked_count = EXCLUDED.revoked_count, generated_at = EXCLUDED.generated_at
        """;

    /// <summary>
    /// Regenerates the CRL unless the stored one lists every revocation and (when <paramref name="notOlderThan"/> is given) was made
    /// at or after it.
    /// </summary>
    /// <exception cref="CertificateAuthorityException">The issuer is not an enabled local CA, or its CA may not sign CRLs.</exception>
    public async Task<CrlOutcome> EnsureCurrentAsync(string issuerId, DateTimeOffset? notOlderThan, CancellationToken cancellationToken)
    {
        var authority = await issuers.GetLocalAuthorityAsync(issuerId, cancellationToken);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = Command(connection, transaction, Lock, issuerId))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        (long Number, int Count, DateTimeOffset GeneratedAt)? current = null;
        await using (var read = Command(connection, transaction, Current, issuerId))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                current = (reader.GetInt64(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2));
            }
        }

        if (current is { } stored && (notOlderThan is null || stored.GeneratedAt >= notOlderThan))
        {
            // Revocations are never deleted, so an equal count means the stored CRL lists every one; counting is an index-only scan.
            await using var count = Command(connection, transaction, Count, issuerId);
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! == stored.Count)
            {
                await transaction.CommitAsync(cancellationToken);
                return new CrlOutcome(Generated: false, stored.Number, stored.Count);
            }
        }

        var revoked = new List<RevokedSerial>();
        await using (var list = Command(connection, transaction, Revocations, issuerId))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                revoked.Add(new RevokedSerial(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), WireNames<RevocationReason>.Parse(reader.GetString(2))));
            }
        }

        var number = (current?.Number ?? 0) + 1;
        var thisUpdate = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var nextUpdate = thisUpdate + options.Value.CrlValidity;
        var der = authority.Ca.SignCrl(revoked, new BigInteger(number), thisUpdate, nextUpdate);
        await using (var store = Command(connection, transaction, Store, issuerId))
        {
            store.Parameters.Add(new NpgsqlParameter<byte[]>("crl_der", der));
            store.Parameters.Add(new NpgsqlParameter<long>("crl_number", number));
            store.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("this_update", thisUpdate));
            store.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("next_update", nextUpdate));
            store.Parameters.Add(new NpgsqlParameter<string>("etag", ETagOf(der)));
            store.Parameters.Add(new NpgsqlParameter<int>("revoked_count", revoked.Count));
            await store.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("CRL {CrlNumber} of issuer {IssuerId} stored: {Revoked} revoked, next update {NextUpdate:O}.", number, issuerId, revoked.Count, nextUpdate);
        return new CrlOutcome(Generated: true, number, revoked.Count);
    }

    /// <summary>A strong entity tag: the quoted hex of the SHA-256 of the DER body (the bytes are the representation, so byte-equal is the test).</summary>
    public static string ETagOf(byte[] der) => $"\"{Convert.ToHexStringLower(SHA256.HashData(der))}\"";

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, string issuerId)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
        return command;
    }
}

/// <summary>What <see cref="CrlGenerator.EnsureCurrentAsync"/> did: whether it signed a new CRL, and the current CRL's number and size.</summary>
public sealed record CrlOutcome(bool Generated, long CrlNumber, int RevokedCount);
