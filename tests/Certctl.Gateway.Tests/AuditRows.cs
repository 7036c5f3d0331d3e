namespace Certctl.Gateway.Tests;

/// <summary>Reads the API-call rows of <c>audit_events</c> by request id, waiting for the batch writer.</summary>
internal static class AuditRows
{
    private const string Query = """
        SELECT actor, actor_type, action, resource_type, resource_id, details::text AS details, request_id, body_sha256,
               status_code, latency_ms, occurred_at
          FROM audit_events WHERE request_id = $1
        """;

    public static Task<List<Dictionary<string, object?>>> ForAsync(string connectionString, string requestId) =>
        Sql.RowsAsync(connectionString, Query, requestId);

    /// <summary>The one row of <paramref name="requestId"/>, polling until the writer has flushed it.</summary>
    public static async Task<Dictionary<string, object?>> WaitForAsync(string connectionString, string requestId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var rows = await ForAsync(connectionString, requestId);
            if (rows.Count > 0 || DateTime.UtcNow > deadline)
            {
                return Assert.Single(rows);
            }

            await Task.Delay(50);
        }
    }

    public static string RequestId(HttpResponseMessage response) => response.Headers.GetValues("X-Request-ID").Single();
}
