using Certctl.Gateway.Certificates;
using Npgsql;

namespace Certctl.Gateway.Jobs;

/// <summary>Service-level audit rows for operator actions on jobs and agents, written in the caller's transaction.</summary>
internal static class OperationsAudit
{
    /// <summary>Inserts one <c>User</c> audit row for <paramref name="resourceType"/>/<paramref name="resourceId"/>.</summary>
    public static async Task WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string actor, string action, string resourceType, string resourceId,
        object details, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO audit_events (actor, actor_type, action, resource_type, resource_id, details) VALUES (@actor, 'User', @action, @type, @id, @details)",
            connection, transaction);
        command.Parameters.Add(CertificateRows.Text("actor", actor));
        command.Parameters.Add(CertificateRows.Text("action", action));
        command.Parameters.Add(CertificateRows.Text("type", resourceType));
        command.Parameters.Add(CertificateRows.Text("id", resourceId));
        command.Parameters.Add(CertificateRows.Json("details", details));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
