using Npgsql;

namespace Certctl.IntegrationTests;

/// <summary>The audit trail is append-only in the database itself: any client's UPDATE, DELETE or TRUNCATE fails.</summary>
public sealed class AuditTrailTests(MigratedDatabaseFixture<AuditTrailTests> database) : IClassFixture<MigratedDatabaseFixture<AuditTrailTests>>
{
    [Fact]
    public async Task Rows_can_be_appended()
    {
        var id = await AppendAsync("audit-append");

        Assert.Equal(1L, await ScalarAsync($"SELECT count(*) FROM audit_events WHERE id = {id}"));
    }

    [Theory]
    [InlineData("UPDATE audit_events SET actor = 'mallory' WHERE id = {0}")]
    [InlineData("DELETE FROM audit_events WHERE id = {0}")]
    [InlineData("DELETE FROM audit_events WHERE false")]
    [InlineData("TRUNCATE audit_events")]
    public async Task Changing_or_removing_rows_is_refused(string statement)
    {
        var id = await AppendAsync("audit-tamper");

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, statement, id)));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Contains("append-only", refused.MessageText, StringComparison.Ordinal);
        Assert.Equal("alice", await ScalarAsync($"SELECT actor FROM audit_events WHERE id = {id}"));
    }

    private async Task<long> AppendAsync(string action) =>
        (long)(await ScalarAsync(
            $"INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id) VALUES ('alice', 'User', '{action}', 'certificate', 'mc-api-prod') RETURNING id"))!;

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
