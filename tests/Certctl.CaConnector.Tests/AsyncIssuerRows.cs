using System.Text;
using System.Text.Json;
using Certctl.Secrets;

namespace Certctl.CaConnector.Tests;

/// <summary>DigiCert issuers pointed at the fake CertCentral, and the async-order columns of a job as the tests read them.</summary>
public sealed class AsyncIssuerRows(string connectionString)
{
    /// <summary>An enabled DigiCert issuer whose configuration (API key included) is encrypted as the gateway stores it.</summary>
    public Task<string> InsertDigiCertIssuerAsync(string baseUrl, string apiKey, int? pollMaxWaitSeconds = null) =>
        InsertIssuerAsync("DigiCert", new Dictionary<string, object?>
        {
            ["api_key"] = apiKey,
            ["org_id"] = "4242",
            ["base_url"] = baseUrl,
            ["poll_max_wait_seconds"] = pollMaxWaitSeconds,
        });

    /// <summary>An enabled issuer of <paramref name="type"/>: the configuration encrypted, its secrets redacted in the plain copy.</summary>
    public async Task<string> InsertIssuerAsync(string type, Dictionary<string, object?> configuration)
    {
        var id = $"iss-{type.ToLowerInvariant()}-{Guid.NewGuid():N}"[..24];
        var cipher = new ConfigurationCipher(Convert.FromBase64String(ConnectorHost.EncryptionKey));
        var sealedConfiguration = cipher.Encrypt(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(configuration)), id);
        var redacted = configuration.ToDictionary(entry => entry.Key, entry => entry.Key is "api_key" or "login" or "password" or "eab_hmac" ? "********" : entry.Value);
        await Sql.ExecuteAsync(connectionString,
            "INSERT INTO issuers (id, name, type, config, encrypted_config, enabled) VALUES ($1, $1, $2, $3::jsonb, $4, TRUE)",
            id, type, JsonSerializer.Serialize(redacted), sealedConfiguration);
        return id;
    }

    public async Task<ParkedJobRow> JobAsync(string jobId)
    {
        var row = (await Sql.RowsAsync(connectionString,
            """
            SELECT status, attempts, max_attempts, issuer_order_id, issuer_polls, next_attempt_at, poll_deadline_at, lease_expires_at,
                   last_error, issuer_key_encrypted IS NOT NULL AS has_key
            FROM jobs WHERE id = $1
            """, jobId)).Single();
        return new ParkedJobRow(
            (string)row["status"]!, (int)row["attempts"]!, (int)row["max_attempts"]!, (string?)row["issuer_order_id"], (int)row["issuer_polls"]!,
            At(row["next_attempt_at"])!.Value, At(row["poll_deadline_at"]), At(row["lease_expires_at"]), (string?)row["last_error"], (bool)row["has_key"]!);
    }

    /// <summary>Waits until the job is parked with an order id (the consumer took the order).</summary>
    public async Task<ParkedJobRow> WaitUntilParkedAsync(string jobId, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (DateTime.UtcNow < deadline)
        {
            var job = await JobAsync(jobId);
            if (job is { Status: "AwaitingIssuer", OrderId: not null })
            {
                return job;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Job {jobId} was not parked with an order within {timeoutSeconds} s: {await JobAsync(jobId)}");
    }

    private static DateTimeOffset? At(object? value) => value is DateTime time ? new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : null;
}

/// <summary>The columns of a job the async-issuer tests assert on.</summary>
public sealed record ParkedJobRow(
    string Status, int Attempts, int MaxAttempts, string? OrderId, int Polls, DateTimeOffset NextAttemptAt, DateTimeOffset? PollDeadline,
    DateTimeOffset? Lease, string? LastError, bool HasKey);
