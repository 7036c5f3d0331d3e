using Certctl.Contracts;
using Certctl.Scheduler.Loops;
using MassTransit;
using Npgsql;

namespace Certctl.Scheduler.Revocation;

/// <summary>
/// Keeps every enabled local CA's CRL fresh: asks the CA connector (<see cref="GenerateCrl"/>) for each issuer whose CRL is missing,
/// lists fewer revocations than are recorded, or has used up half of its thisUpdate–nextUpdate span, so relying parties never see one
/// past its nextUpdate even if a run or two is missed. The connector does the signing; it skips a command the CRL already satisfies.
/// </summary>
public sealed class CrlPregeneration(NpgsqlDataSource dataSource, IBus publisher, TimeProvider timeProvider) : ILoopWork
{
    public const string LoopName = "crl-pregeneration";

    private const string Sql = """
        SELECT i.id
        FROM issuers i
        LEFT JOIN crl_cache c ON c.issuer_id = i.id
        WHERE i.enabled AND i.type = 'GenericCA'
          AND (c.issuer_id IS NULL
               OR c.revoked_count < (SELECT count(*) FROM certificate_revocations r WHERE r.issuer_id = i.id)
               OR @now >= c.this_update + (c.next_update - c.this_update) / 2)
        ORDER BY i.id
        """;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var due = new List<string>();
        await using (var command = dataSource.CreateCommand(Sql))
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(reader.GetString(0));
            }
        }

        foreach (var issuerId in due)
        {
            await publisher.Publish(new GenerateCrl(issuerId, LoopName, now), cancellationToken);
        }

        return due.Count;
    }
}
