using System.Security.Cryptography;
using Certctl.Acme.Finalize;
using Certctl.Acme.Orders;

namespace Certctl.Acme.Tests.Orders;

/// <summary>The group-committed move of issued orders to valid: every order once, with its audit row, whatever shares its statement.</summary>
public sealed class IssuedOrdersTests(MigratedDatabaseFixture<IssuedOrdersTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<IssuedOrdersTests>>
{
    [Fact]
    public async Task Concurrent_outcomes_each_move_their_own_order_once_and_a_redelivery_moves_nothing()
    {
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        var jobs = new List<(string OrderId, string JobId, string VersionId)>();
        for (var i = 0; i < 12; i++)
        {
            var name = $"batch{i}.example.com";
            var (order, _) = await host.Get<NewOrders>().CreateAsync(account, "prof-standard-tls",
                NewOrderTests.Payload(new { identifiers = new[] { new { type = "dns", value = name } } }), default);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await host.Get<FinalizeRequests>().FinalizeAsync(account, order!.Id, NewOrderTests.Payload(new { csr = FinalizeCsrTests.Csr(key, "CN=" + name, []) }), default);
            var (jobId, certificateId) = await IssuedByHand.JobOfAsync(database.ConnectionString, order.Id);
            using var certificate = IssuedByHand.Certificate(key, name);
            jobs.Add((order.Id, jobId, await IssuedByHand.StoreVersionAsync(database.ConnectionString, certificateId, jobId, certificate)));
        }

        var issued = host.Get<IssuedOrders>();
        // Every outcome twice at once (a redelivery racing the first delivery): the batcher never puts one job twice in a statement.
        var moved = await Task.WhenAll(jobs.Concat(jobs).Select(job => Task.Run(() => issued.MoveAsync(job.JobId, job.VersionId, "01", default))));

        Assert.Equal(jobs.Count, moved.Count(m => m));
        foreach (var (orderId, _, versionId) in jobs)
        {
            var row = Assert.Single(await Sql.RowsAsync(database.ConnectionString, "SELECT status, certificate_version_id FROM acme_orders WHERE id = $1", orderId));
            Assert.Equal(("valid", versionId), ((string)row["status"]!, (string)row["certificate_version_id"]!));
            Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
                "SELECT count(*) FROM audit_events WHERE action = 'acme_order_finalized' AND resource_id = $1", orderId));
        }

        Assert.False(await issued.MoveAsync(jobs[0].JobId, jobs[0].VersionId, "01", default));
    }
}
