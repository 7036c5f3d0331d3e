using Npgsql;

namespace Certctl.CaConnector.RenewalInfo;

/// <summary>
/// The SQL of <c>certificate_renewal_info</c>: which certificates ARI follows, the poller's claims and the answers written
/// back, each one statement whatever the row count.
/// </summary>
public sealed class AriStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>
    /// Follows the current version of every Active or Expiring certificate issued by one of <paramref name="issuerIds"/>
    /// (not expired, with an AKI): new certificates get a row due now, renewed ones have their row reset to the new version
    /// (old window dropped, due now: RFC 9773 §4.3 asks for a poll right after issuance). Rows of issuers that no longer do
    /// ARI are deleted unless the issuer is in <paramref name="unreadableIssuerIds"/> (its configuration could not be read this
    /// run, which proves nothing). Returns the rows added or reset.
    /// </summary>
    public async Task<int> FollowCurrentVersionsAsync(IReadOnlyCollection<string> issuerIds, IReadOnlyCollection<string> unreadableIssuerIds, CancellationToken cancellationToken)
    {
        // The version a certificate's expires_at came from is its current one; the same test the renewal scan makes.
        await using var command = db.CreateCommand("""
            WITH dropped AS (
                DELETE FROM certificate_renewal_info
                WHERE issuer_id <> ALL (@issuers) AND issuer_id <> ALL (@unreadable)
                RETURNING 1)
            INSERT INTO certificate_renewal_info AS r (certificate_id, version_id, issuer_id, not_after, next_poll_at, created_at, updated_at)
            SELECT v.certificate_id, v.id, v.issuer_id, v.not_after, @now, @now, @now
            FROM certificate_versions v
            JOIN managed_certificates c ON c.id = v.certificate_id
            WHERE v.issuer_id = ANY (@issuers)
              AND v.not_after > @now
              AND v.authority_key_identifier <> ''
              AND c.status IN ('Active', 'Expiring')
              AND c.expires_at = v.not_after
              AND NOT EXISTS (SELECT 1 FROM certificate_renewal_info f WHERE f.certificate_id = v.certificate_id AND f.version_id = v.id)
            ON CONFLICT (certificate_id) DO UPDATE
                SET version_id = EXCLUDED.version_id, issuer_id = EXCLUDED.issuer_id, not_after = EXCLUDED.not_after,
                    window_start = NULL, window_end = NULL, renew_at = NULL, explanation_url = NULL, failures = 0, last_error = NULL,
                    next_poll_at = EXCLUDED.next_poll_at, updated_at = EXCLUDED.updated_at
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("issuers", [.. issuerIds]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("unreadable", [.. unreadableIssuerIds]));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Claims up to <paramref name="batchSize"/> due rows of <paramref name="issuerIds"/> whose certificate still renews from that
    /// version, by moving their next poll to <paramref name="claimedUntil"/>: a poller that dies mid-batch leaves them due again then.
    /// </summary>
    public async Task<IReadOnlyList<AriCandidate>> ClaimDueAsync(
        IReadOnlyCollection<string> issuerIds, int batchSize, DateTimeOffset claimedUntil, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("""
            WITH due AS (
                SELECT r.certificate_id FROM certificate_renewal_info r
                JOIN managed_certificates c ON c.id = r.certificate_id
                WHERE r.next_poll_at <= @now AND r.issuer_id = ANY (@issuers)
                  AND c.status IN ('Active', 'Expiring') AND c.expires_at = r.not_after AND r.not_after > @now
                ORDER BY r.next_poll_at, r.certificate_id
                LIMIT @batch
                FOR UPDATE OF r SKIP LOCKED)
            UPDATE certificate_renewal_info r SET next_poll_at = @claimed_until
            FROM due, certificate_versions v
            WHERE r.certificate_id = due.certificate_id AND v.id = r.version_id
            RETURNING r.certificate_id, r.version_id, r.issuer_id, v.authority_key_identifier, v.serial_number, r.failures, r.next_poll_at
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("issuers", [.. issuerIds]));
        command.Parameters.Add(new NpgsqlParameter<int>("batch", batchSize));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("claimed_until", claimedUntil));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claimed = new List<AriCandidate>();
        while (await reader.ReadAsync(cancellationToken))
        {
            claimed.Add(new AriCandidate(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return claimed;
    }

    /// <summary>
    /// Writes a batch's answers in one statement. The renewal time is kept while the window is unchanged, so a certificate's
    /// chosen instant does not move at every poll; a row reset or re-claimed since its claim is left alone.
    /// </summary>
    public async Task<int> RecordAsync(IReadOnlyCollection<AriPollResult> results, CancellationToken cancellationToken)
    {
        if (results.Count == 0)
        {
            return 0;
        }

        await using var command = db.CreateCommand("""
            UPDATE certificate_renewal_info r
            SET window_start = CASE WHEN u.keep_window THEN r.window_start ELSE u.window_start END,
                window_end = CASE WHEN u.keep_window THEN r.window_end ELSE u.window_end END,
                explanation_url = CASE WHEN u.keep_window THEN r.explanation_url ELSE u.explanation_url END,
                renew_at = CASE
                    WHEN u.keep_window THEN r.renew_at
                    WHEN r.renew_at IS NOT NULL AND r.window_start = u.window_start AND r.window_end = u.window_end THEN r.renew_at
                    ELSE u.renew_at END,
                next_poll_at = u.next_poll_at, polled_at = @now, failures = u.failures, last_error = u.last_error, updated_at = @now
            FROM unnest(@ids, @versions, @claimed, @keep, @starts, @ends, @renew_at, @explanations, @next, @failures, @errors)
                AS u(certificate_id, version_id, claimed_until, keep_window, window_start, window_end, renew_at, explanation_url, next_poll_at, failures, last_error)
            WHERE r.certificate_id = u.certificate_id AND r.version_id = u.version_id AND r.next_poll_at = u.claimed_until
            """);
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", time.GetUtcNow()));
        command.Parameters.Add(new NpgsqlParameter<string[]>("ids", [.. results.Select(r => r.Candidate.CertificateId)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("versions", [.. results.Select(r => r.Candidate.VersionId)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("claimed", [.. results.Select(r => r.Candidate.ClaimedUntil)]));
        command.Parameters.Add(new NpgsqlParameter<bool[]>("keep", [.. results.Select(r => r.KeepWindow)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?[]>("starts", [.. results.Select(r => r.WindowStart)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?[]>("ends", [.. results.Select(r => r.WindowEnd)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?[]>("renew_at", [.. results.Select(r => r.RenewAt)]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("explanations", [.. results.Select(r => r.ExplanationUrl)]));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("next", [.. results.Select(r => r.NextPollAt)]));
        command.Parameters.Add(new NpgsqlParameter<int[]>("failures", [.. results.Select(r => r.Failures)]));
        command.Parameters.Add(new NpgsqlParameter<string?[]>("errors", [.. results.Select(r => r.LastError is { Length: > 2000 } e ? e[..2000] : r.LastError)]));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A claimed row: the certificate, the version whose AKI and serial name it to the CA, and the claim it holds.</summary>
public sealed record AriCandidate(
    string CertificateId, string VersionId, string IssuerId, string? AuthorityKeyIdentifierHex, string SerialNumberHex, int Failures,
    DateTimeOffset ClaimedUntil);

/// <summary>What one poll writes back. <paramref name="KeepWindow"/>: an error, so the window known before stays as it was.</summary>
public sealed record AriPollResult(
    AriCandidate Candidate, bool KeepWindow, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, DateTimeOffset? RenewAt, string? ExplanationUrl,
    DateTimeOffset NextPollAt, int Failures, string? LastError);
