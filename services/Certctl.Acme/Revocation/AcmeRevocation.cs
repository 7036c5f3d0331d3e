using Certctl.Acme.Http;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Contracts;
using Certctl.Domain;
using MassTransit;
using Npgsql;

namespace Certctl.Acme.Revocation;

/// <summary>
/// revokeCert (RFC 8555 §7.6) through the platform's revocation path: in one transaction that locks the managed certificate, the
/// certificate becomes Revoked, the <c>certificate_revocations</c> row (what CRL and OCSP read) and the <c>certificate_revoked</c>
/// audit row are written; after the commit <see cref="RevokeCertificate"/> tells the CA connector (best effort: the scheduler's sweep
/// re-sends what was not acknowledged), exactly as the operator API does.
/// </summary>
/// <remarks>
/// Three requesters may revoke (§7.6): the account that ordered the certificate, the holder of its key, and an account that holds
/// valid, unexpired authorizations for every identifier the certificate names. Only authorizations a validator proved count (those
/// of challenge-mode orders): in trust_authenticated mode an authorization costs nothing, so it must not let one account revoke
/// another's certificate. That path covers certificates this ACME server issued; the rest of the inventory is the operators'.
/// </remarks>
public sealed partial class AcmeRevocation(NpgsqlDataSource db, IdGenerator ids, IPublishEndpoint publisher, TimeProvider time, ILogger<AcmeRevocation> logger)
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Revokes the certificate; null on success, else the problem (malformed, badRevocationReason, unauthorized, alreadyRevoked).</summary>
    /// <param name="certificate">The payload's base64url DER certificate.</param>
    /// <param name="reasonCode">The payload's RFC 5280 reason code; absent is unspecified.</param>
    public async Task<AcmeProblem?> RevokeAsync(string? certificate, int? reasonCode, RevocationRequester requester, CancellationToken cancellationToken)
    {
        var reason = RevocationReason.Unspecified;
        if (reasonCode is { } code && !RevocationReasons.TryFromCode(code, out reason))
        {
            return new AcmeProblem(AcmeProblemTypes.BadRevocationReason,
                $"Revocation reason {code} is not one this server accepts (0-6 and 9 of RFC 5280).", StatusCodes.Status400BadRequest);
        }

        if (Parse(certificate) is not { } parsed)
        {
            return new AcmeProblem(AcmeProblemTypes.Malformed, "The certificate is not base64url DER X.509.", StatusCodes.Status400BadRequest);
        }

        using var leaf = parsed;
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(leaf.RawData));
        var actor = requester.AccountId is { } accountId ? AcmeAudit.Actor(accountId) : "acme-cert-key:" + leaf.SerialNumber.ToLowerInvariant();
        string certificateId, issuerId, serial;
        await using (var connection = await db.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            string status;
            string? ownerAccount;
            bool alreadyRevoked, authorizedHolder;
            IReadOnlyList<(Protocol.AcmeIdentifier Identifier, bool Wildcard)> identifiers = requester.AccountId is null ? [] : CertificateIdentifiers.Of(leaf);
            await using (var find = new NpgsqlCommand("""
                SELECT v.certificate_id, v.issuer_id, v.serial_number, c.status, o.account_id,
                       EXISTS (SELECT 1 FROM certificate_revocations r WHERE r.issuer_id = v.issuer_id AND r.serial_number = v.serial_number),
                       o.id IS NOT NULL AND cardinality(@types) > 0 AND NOT EXISTS (
                           SELECT 1 FROM unnest(@types, @values, @wildcards) AS i(type, value, wildcard)
                           WHERE NOT EXISTS (
                               SELECT 1 FROM acme_authorizations a
                               WHERE a.account_id = @account AND a.identifier_type = i.type AND a.identifier_value = i.value
                                 AND a.wildcard = i.wildcard AND a.status = 'valid' AND a.challenge_proven AND a.expires_at > @now))
                FROM certificate_versions v
                JOIN managed_certificates c ON c.id = v.certificate_id
                LEFT JOIN acme_orders o ON o.certificate_version_id = v.id
                WHERE v.fingerprint_sha256 = @fingerprint
                FOR UPDATE OF c
                """, connection, transaction))
            {
                find.Parameters.Add(new NpgsqlParameter<string>("fingerprint", fingerprint));
                find.Parameters.Add(new NpgsqlParameter("account", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)requester.AccountId ?? DBNull.Value });
                find.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. identifiers.Select(i => i.Identifier.Type)]));
                find.Parameters.Add(new NpgsqlParameter<string[]>("values", [.. identifiers.Select(i => i.Identifier.Value)]));
                find.Parameters.Add(new NpgsqlParameter<bool[]>("wildcards", [.. identifiers.Select(i => i.Wildcard)]));
                find.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
                await using var reader = await find.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return new AcmeProblem(AcmeProblemTypes.Malformed, "The certificate is not known to this server.", StatusCodes.Status404NotFound);
                }

                (certificateId, issuerId, serial, status) = (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
                ownerAccount = reader.IsDBNull(4) ? null : reader.GetString(4);
                alreadyRevoked = reader.GetBoolean(5);
                authorizedHolder = reader.GetBoolean(6);
            }

            if (!authorizedHolder && !Authorized(requester, ownerAccount, leaf))
            {
                return new AcmeProblem(AcmeProblemTypes.Unauthorized,
                    requester.AccountId is null
                        ? "The request is not signed by the certificate's key."
                        : "The account neither ordered this certificate nor holds valid authorizations for all of its identifiers.",
                    StatusCodes.Status403Forbidden);
            }

            if (alreadyRevoked || status == "Revoked")
            {
                return new AcmeProblem(AcmeProblemTypes.AlreadyRevoked, "The certificate is already revoked.", StatusCodes.Status400BadRequest);
            }

            await using (var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new("""
                        UPDATE managed_certificates SET status = 'Revoked', revoked_at = @now, revocation_reason = @reason, updated_at = @now
                        WHERE id = @id AND status NOT IN ('Revoked', 'Archived')
                        """)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<string>("id", certificateId),
                            new NpgsqlParameter<string>("reason", reason.ToWire()),
                            new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()),
                        },
                    },
                    new("""
                        INSERT INTO certificate_revocations (id, certificate_id, serial_number, issuer_id, reason, revoked_by, revoked_at)
                        VALUES (@revocation_id, @id, @serial, @issuer_id, @reason, @actor, @now)
                        """)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<string>("revocation_id", ids.NewId(IdPrefix.CertificateRevocation)),
                            new NpgsqlParameter<string>("id", certificateId),
                            new NpgsqlParameter<string>("serial", serial),
                            new NpgsqlParameter<string>("issuer_id", issuerId),
                            new NpgsqlParameter<string>("reason", reason.ToWire()),
                            new NpgsqlParameter<string>("actor", actor),
                            new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()),
                        },
                    },
                    AcmeAudit.Command(actor, "User", "certificate_revoked", "certificate", certificateId,
                        new { serial, reason = reason.ToWire(), via = "acme" }),
                },
            })
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        try
        {
            using var timeout = new CancellationTokenSource(PublishTimeout, time);
            await publisher.Publish(new RevokeCertificate(certificateId, issuerId, serial, reason, actor, time.GetUtcNow()), timeout.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogNotPublished(logger, exception, certificateId, serial);
        }

        return null;
    }

    private static bool Authorized(RevocationRequester requester, string? ownerAccount, X509Certificate2 leaf) =>
        requester.AccountId is { } account
            ? ownerAccount == account
            : requester.KeyThumbprint is { } thumbprint && CertificateKeyThumbprint.Of(leaf) == thumbprint;

    private static X509Certificate2? Parse(string? certificate)
    {
        if (string.IsNullOrEmpty(certificate))
        {
            return null;
        }

        try
        {
            return X509CertificateLoader.LoadCertificate(Base64Url.DecodeFromChars(certificate.TrimEnd('=')));
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Could not send the revocation of {CertificateId} (serial {Serial}) to the CA connector; the scheduler's sweep re-sends it")]
    private static partial void LogNotPublished(ILogger logger, Exception exception, string certificateId, string serial);
}
