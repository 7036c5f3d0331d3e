using Npgsql;

namespace Certctl.LoadTest.Tests.Draining;

/// <summary>
/// A stand-in for the whole pipeline on 127.0.0.1: its bulk-renew (behind <c>Bearer k3y</c>) inserts a renewal job for every
/// <c>mc-loadtest-drain-…</c> certificate straight into the database, already Completed, job n completing n × 10 ms after it
/// was created, and answers with the counts.
/// </summary>
internal sealed class DrainGateway : IDisposable
{
    public const string Key = "k3y";

    private readonly LoopbackServer server;
    private readonly string database;

    public DrainGateway(string database)
    {
        this.database = database;
        server = new LoopbackServer(async (request, _) =>
            request.Headers["Authorization"] != $"Bearer {Key}"
                ? (401, string.Empty)
                : (request.HttpMethod, request.Url!.AbsolutePath) == ("POST", "/api/v1/certificates/bulk-renew")
                    ? (200, await RenewAsync())
                    : (404, string.Empty));
    }

    public string BaseUrl => server.BaseUrl;

    public void Dispose() => server.Dispose();

    private async Task<string> RenewAsync()
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO jobs (id, type, certificate_id, status, attempts, started_at, completed_at, requested_by)
            SELECT 'job-drain-' || gen_random_uuid(), 'Renewal', c.id, 'Completed', 1, now(),
                   now() + substr(c.id, 19)::int * interval '10 milliseconds', 'loadtest'
            FROM managed_certificates AS c WHERE starts_with(c.id, 'mc-loadtest-drain-')
            """, connection);
        var created = await command.ExecuteNonQueryAsync();
        return $$"""{"matched":{{created}},"created":{{created}},"skipped":{},"failed":0,"job_ids":[],"job_ids_truncated":false}""";
    }
}
