using System.Text.Json;
using Certctl.AgentIngest.Problems;
using Certctl.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace Certctl.AgentIngest.Discovery;

/// <summary>
/// <c>POST /api/v1/agents/{id}/discoveries</c>: one transaction creates the scan row, upserts every certificate by
/// (fingerprint, agent, path) in one statement (a known one only gets <c>last_seen_at</c> and the scan id, so its triage
/// status stays), counts the new ones and writes audit <c>discovery_scan_completed</c>. 202 with the scan.
/// </summary>
public static class DiscoveryEndpoint
{
    /// <summary>Most certificates one report may carry.</summary>
    public const int MaxCertificates = 10_000;

    private const int MaxErrors = 1000;
    private const int MaxPemLength = 64 * 1024;

    private const string InsertScan = """
        INSERT INTO discovery_scans (id, agent_id, directories, certificates_found, errors, scan_duration_ms, started_at, completed_at, created_at)
        VALUES (@id, @agent_id, @directories, @found, @errors, @duration_ms, @started_at, @now, @now)
        """;

    private const string Upsert = """
        WITH upserted AS (
            INSERT INTO discovered_certificates (id, fingerprint_sha256, common_name, sans, serial_number, issuer_dn, subject_dn, not_before,
                                                 not_after, key_algorithm, key_size, is_ca, pem_data, source_path, source_format, agent_id,
                                                 discovery_scan_id, first_seen_at, last_seen_at, created_at, updated_at)
            SELECT r.id, r.fingerprint_sha256, r.common_name, r.sans, r.serial_number, r.issuer_dn, r.subject_dn, r.not_before,
                   r.not_after, r.key_algorithm, r.key_size, r.is_ca, r.pem_data, r.source_path, r.source_format, @agent_id,
                   @scan_id, @now, @now, @now, @now
            FROM jsonb_to_recordset(@rows) AS r(id TEXT, fingerprint_sha256 TEXT, common_name TEXT, sans TEXT[], serial_number TEXT, issuer_dn TEXT,
                                                subject_dn TEXT, not_before TIMESTAMPTZ, not_after TIMESTAMPTZ, key_algorithm TEXT, key_size INTEGER,
                                                is_ca BOOLEAN, pem_data TEXT, source_path TEXT, source_format TEXT)
            ON CONFLICT (fingerprint_sha256, agent_id, source_path)
            DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at, discovery_scan_id = EXCLUDED.discovery_scan_id, updated_at = EXCLUDED.updated_at
            RETURNING (xmax = 0) AS inserted)
        UPDATE discovery_scans SET certificates_new = (SELECT count(*) FROM upserted WHERE inserted)
        WHERE id = @scan_id
        RETURNING certificates_new
        """;

    public static async Task<Results<Accepted<DiscoveryScan>, ValidationProblem>> ReportAsync(
        string id, DiscoveryReport? body, IdGenerator ids, NpgsqlDataSource db, TimeProvider time, CancellationToken cancellationToken)
    {
        var certificates = body?.Certificates ?? [];
        var reportErrors = body?.Errors ?? [];
        var directories = body?.Directories ?? [];
        var errors = Validate(id, body, certificates, reportErrors, directories);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        // One row per identity: the same file reported twice in a report is one certificate (and ON CONFLICT may touch a row only once).
        var unique = certificates
            .GroupBy(c => (Fingerprint: c.FingerprintSha256!.ToLowerInvariant(), Path: c.SourcePath!))
            .Select(group => (group.Key, Certificate: group.Last()))
            .ToList();
        var rows = unique.Select(entry => new Dictionary<string, object?>
        {
            ["id"] = ids.NewId(IdPrefix.DiscoveredCertificate),
            ["fingerprint_sha256"] = entry.Key.Fingerprint,
            ["common_name"] = entry.Certificate.CommonName ?? string.Empty,
            ["sans"] = entry.Certificate.Sans ?? [],
            ["serial_number"] = entry.Certificate.SerialNumber ?? string.Empty,
            ["issuer_dn"] = entry.Certificate.IssuerDn ?? string.Empty,
            ["subject_dn"] = entry.Certificate.SubjectDn ?? string.Empty,
            ["not_before"] = entry.Certificate.NotBefore,
            ["not_after"] = entry.Certificate.NotAfter,
            ["key_algorithm"] = entry.Certificate.KeyAlgorithm ?? string.Empty,
            ["key_size"] = entry.Certificate.KeySize ?? 0,
            ["is_ca"] = entry.Certificate.IsCa ?? false,
            ["pem_data"] = entry.Certificate.PemData,
            ["source_path"] = entry.Key.Path,
            ["source_format"] = entry.Certificate.SourceFormat ?? string.Empty,
        }).ToList();

        var now = time.GetUtcNow();
        var duration = Math.Max(body?.ScanDurationMs ?? 0, 0);
        var scan = new DiscoveryScan(ids.NewId(IdPrefix.DiscoveryScan), id, directories, unique.Count, 0, reportErrors, duration,
            now - TimeSpan.FromMilliseconds(duration), now);

        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(InsertScan, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter<string>("id", scan.Id));
            insert.Parameters.Add(new NpgsqlParameter<string>("agent_id", id));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("directories", directories.ToArray()));
            insert.Parameters.Add(new NpgsqlParameter<int>("found", scan.CertificatesFound));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("errors", reportErrors.ToArray()));
            insert.Parameters.Add(new NpgsqlParameter<int>("duration_ms", (int)Math.Min(duration, int.MaxValue)));
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("started_at", scan.StartedAt));
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        var created = 0;
        await using (var upsert = new NpgsqlCommand(Upsert, connection, transaction))
        {
            upsert.Parameters.Add(new NpgsqlParameter("rows", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(rows) });
            upsert.Parameters.Add(new NpgsqlParameter<string>("agent_id", id));
            upsert.Parameters.Add(new NpgsqlParameter<string>("scan_id", scan.Id));
            upsert.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            created = (int)(await upsert.ExecuteScalarAsync(cancellationToken))!;
        }

        scan = scan with { CertificatesNew = created };
        await AgentAudit.WriteAsync(connection, transaction, id, "discovery_scan_completed", "discovery_scan", scan.Id,
            new { certificates_found = scan.CertificatesFound, certificates_new = created, errors = reportErrors.Count }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Accepted((string?)null, scan);
    }

    private static FieldErrors Validate(
        string agentId, DiscoveryReport? body, IReadOnlyList<DiscoveredCertificate> certificates, IReadOnlyList<string> reportErrors,
        IReadOnlyList<string> directories)
    {
        var errors = new FieldErrors()
            .AddIf(certificates.Count == 0 && reportErrors.Count == 0, "certificates", "a report needs at least one certificate or one error")
            .AddIf(certificates.Count > MaxCertificates, "certificates", $"at most {MaxCertificates} per report")
            .AddIf(reportErrors.Count > MaxErrors, "errors", $"at most {MaxErrors} per report")
            .AddIf(body?.AgentId is { Length: > 0 } named && named != agentId, "agent_id", "must be the agent in the path (or left out)")
            .AddIf(body?.ScanDurationMs is < 0, "scan_duration_ms", "must not be negative");
        foreach (var (text, index) in directories.Select((text, index) => (text, index)))
        {
            errors.Text($"directories[{index}]", text, 4096);
        }

        foreach (var (text, index) in reportErrors.Select((text, index) => (text, index)))
        {
            errors.Text($"errors[{index}]", text, 4096);
        }

        for (var i = 0; i < certificates.Count && i < MaxCertificates; i++)
        {
            var certificate = certificates[i];
            var field = $"certificates[{i}]";
            errors.Required($"{field}.fingerprint_sha256", certificate.FingerprintSha256).Text($"{field}.fingerprint_sha256", certificate.FingerprintSha256, 128)
                .Required($"{field}.source_path", certificate.SourcePath).Text($"{field}.source_path", certificate.SourcePath, 4096)
                .Text($"{field}.common_name", certificate.CommonName, 1024).Text($"{field}.serial_number", certificate.SerialNumber, 128)
                .Text($"{field}.issuer_dn", certificate.IssuerDn, 4096).Text($"{field}.subject_dn", certificate.SubjectDn, 4096)
                .Text($"{field}.key_algorithm", certificate.KeyAlgorithm, 64).Text($"{field}.source_format", certificate.SourceFormat, 32)
                .AddIf(certificate.PemData is { Length: > MaxPemLength }, $"{field}.pem_data", $"must be at most {MaxPemLength} characters")
                .AddIf(certificate.PemData?.Contains('\0') == true, $"{field}.pem_data", "must not contain NUL")
                .AddIf(certificate.Sans?.Any(san => san is null || san.Length > 1024 || san.Any(char.IsControl)) == true, $"{field}.sans", "must be names of at most 1024 characters");
        }

        return errors;
    }
}
