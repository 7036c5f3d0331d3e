using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Certctl.Migrations;

/// <summary>
/// Seeds the AppHost's demo loop after the demo seed: a provisioned demo agent, a PEM-folder target of it on this machine, and a
/// 10-minute certificate in agent key mode mapped to that target, whose policy renews it at half-life. A first issuance job
/// starts the loop (and restarts it when the certificate expired or gave up while the suite was stopped).
/// </summary>
/// <remarks>
/// Idempotent like the demo seed, with two deliberate exceptions that follow the AppHost: the agent's token hash (the AppHost
/// owns the token) and the target's configuration (the folder and the site's port are this machine's). A run that finds
/// everything in place changes no row.
/// </remarks>
public static class DemoLoopSeed
{
    /// <summary>The demo agent's id; the AppHost gives it to the demo agent as <c>CERTCTL_AGENT_ID</c>.</summary>
    public const string AgentId = "ag-demo";

    /// <summary>The demo certificate, renewed every few minutes.</summary>
    public const string CertificateId = "mc-demo-loop";

    /// <summary>The demo agent's PEM-folder target.</summary>
    public const string TargetId = "tgt-demo-pem";

    private const string Sql = """
        INSERT INTO certificate_profiles (id, name, description, allowed_key_algorithms, max_ttl_seconds, allowed_ekus, allow_short_lived)
        VALUES ('prof-demo-loop', 'Demo loop', 'The AppHost demo certificate: 10-minute leaves (short-lived, so no CRL or OCSP)',
                '[{"algorithm":"ECDSA","min_size":256}]', 600, '{serverAuth}', TRUE)
        ON CONFLICT DO NOTHING;

        INSERT INTO renewal_policies (id, name, renewal_window_days, renewal_window_fraction, auto_renew, max_retries, retry_interval_seconds, alert_thresholds_days)
        VALUES ('rp-demo-loop', 'Demo loop (half-life)', 1, 0.5, TRUE, 3, 60, '{}')
        ON CONFLICT DO NOTHING;

        INSERT INTO agents (id, name, hostname, status, token_hash, version)
        VALUES ('ag-demo', 'demo-agent-localhost', 'localhost', 'Offline', @token_hash, '')
        ON CONFLICT (id) DO UPDATE SET token_hash = EXCLUDED.token_hash, updated_at = now()
        WHERE agents.token_hash IS DISTINCT FROM EXCLUDED.token_hash;

        -- The plain column only: nothing in it is secret, and the work poll reads it when there is no sealed copy.
        INSERT INTO deployment_targets (id, name, type, agent_id, config)
        VALUES ('tgt-demo-pem', 'demo-pem-folder', 'PEMFolder', 'ag-demo', @config)
        ON CONFLICT (id) DO UPDATE SET config = EXCLUDED.config, encrypted_config = NULL, updated_at = now()
        WHERE deployment_targets.config IS DISTINCT FROM EXCLUDED.config OR deployment_targets.encrypted_config IS NOT NULL;

        INSERT INTO managed_certificates (id, name, common_name, sans, environment, owner_id, team_id, issuer_id, renewal_policy_id,
                                          certificate_profile_id, keygen_mode, status, tags, source)
        VALUES ('mc-demo-loop', 'demo-loop', 'localhost', '{localhost}', 'development', 'o-alice', 't-platform', 'iss-local', 'rp-demo-loop',
                'prof-demo-loop', 'agent', 'Pending', '{"demo":"apphost"}', 'API')
        ON CONFLICT DO NOTHING;

        INSERT INTO certificate_target_mappings (certificate_id, target_id) VALUES ('mc-demo-loop', 'tgt-demo-pem')
        ON CONFLICT DO NOTHING;

        -- The renewal scan only renews Active and Expiring certificates, and a short-lived one past its expiry is soon Expired:
        -- a never-issued certificate, or one that expired or gave up while the suite was stopped, gets its job here (AwaitingCSR:
        -- the demo agent makes the key). The unique index on active jobs turns a second start into a no-op.
        WITH stalled AS (
            SELECT c.id, c.status, c.expires_at FROM managed_certificates c
            WHERE c.id = 'mc-demo-loop'
              AND (c.status IN ('Pending', 'Expired', 'Failed') OR (c.status IN ('Active', 'Expiring') AND c.expires_at <= now()))
            FOR UPDATE
        ),
        job AS (
            INSERT INTO jobs (id, type, certificate_id, status, max_attempts, requested_by)
            SELECT 'job-demo-loop-' || to_char(clock_timestamp(), 'YYYYMMDDHH24MISSMS'),
                   CASE WHEN s.expires_at IS NULL THEN 'Issuance' ELSE 'Renewal' END, s.id, 'AwaitingCSR', 4, 'demo-seed'
            FROM stalled s
            ON CONFLICT DO NOTHING
            RETURNING certificate_id, type
        )
        UPDATE managed_certificates c SET status = 'RenewalInProgress', updated_at = now()
        FROM job
        WHERE c.id = job.certificate_id AND job.type = 'Renewal';
        """;

    /// <summary>Applies the demo loop's rows in one transaction.</summary>
    public static void Apply(string connectionString, DemoLoopSettings settings, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["directory"] = settings.DeployDirectory,
            // The demo site serves whatever the folder holds; the agent's TLS check then sees the new certificate.
            ["host"] = "localhost",
            ["port"] = settings.SitePort,
        });

        try
        {
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var transaction = connection.BeginTransaction();
            using (var command = new NpgsqlCommand(Sql, connection, transaction))
            {
                command.Parameters.Add(new NpgsqlParameter<byte[]>("token_hash", SHA256.HashData(Encoding.UTF8.GetBytes(settings.AgentToken))));
                command.Parameters.Add(new NpgsqlParameter<string>("config", NpgsqlTypes.NpgsqlDbType.Jsonb) { TypedValue = config });
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        catch (NpgsqlException exception)
        {
            throw new MigrationException($"The demo loop seed failed: {exception.Message}", exception);
        }

        logger.LogInformation("Demo loop: agent {AgentId} deploys {CertificateId} to {Folder}; the demo site listens on port {Port}",
            AgentId, CertificateId, settings.DeployDirectory, settings.SitePort);
    }
}
