using System.Security.Cryptography;
using Certctl.Acme.Certificates;
using Certctl.Acme.Finalize;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Contracts;
using Certctl.Domain;

namespace Certctl.Acme.Tests.Orders;

/// <summary>Finalize on a real database with MassTransit's harness: the job path, idempotency, and the outcome consumer.</summary>
public sealed class FinalizeFlowTests(MigratedDatabaseFixture<FinalizeFlowTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<FinalizeFlowTests>>
{
    [Fact]
    public async Task Finalize_writes_the_certificate_and_a_running_job_then_sends_the_csr_and_the_issued_event_makes_the_order_valid()
    {
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        var order = await ReadyOrderAsync(host, account, "fin.example.com", "www.fin.example.com");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = FinalizeCsrTests.Csr(key, "CN=fin.example.com", ["www.fin.example.com"]);

        var (processing, problem) = await host.Get<FinalizeRequests>().FinalizeAsync(account, order.Id, NewOrderTests.Payload(new { csr }), default);

        Assert.Null(problem);
        Assert.Equal(AcmeStatus.Processing, processing!.Status);
        var certificate = Assert.Single(await Sql.RowsAsync(database.ConnectionString, """
            SELECT c.id, c.name, c.common_name, c.sans, c.source, c.issuer_id, c.certificate_profile_id, c.keygen_mode, j.id AS job_id, j.status, j.csr_pem
            FROM managed_certificates c JOIN jobs j ON j.certificate_id = c.id WHERE c.name = $1
            """, "acme-" + order.Id));
        Assert.Equal(("fin.example.com", "ACME", "iss-local", "prof-standard-tls", "agent", "Running"),
            ((string)certificate["common_name"]!, (string)certificate["source"]!, (string)certificate["issuer_id"]!,
             (string)certificate["certificate_profile_id"]!, (string)certificate["keygen_mode"]!, (string)certificate["status"]!));
        Assert.Equal(["fin.example.com", "www.fin.example.com"], (string[])certificate["sans"]!);
        var jobId = (string)certificate["job_id"]!;
        var sent = Assert.Single(host.Harness.Published.Select<IssueCertificate>()).Context.Message;
        Assert.Equal((jobId, (string)certificate["id"]!, "iss-local", KeygenMode.Agent, 1), (sent.JobId, sent.CertificateId, sent.IssuerId, sent.KeygenMode, sent.Attempt));
        Assert.Equal((string)certificate["csr_pem"]!, sent.CsrPem);

        // A second finalize (a client retrying) answers the processing order and starts nothing new.
        var (again, _) = await host.Get<FinalizeRequests>().FinalizeAsync(account, order.Id, NewOrderTests.Payload(new { csr }), default);
        Assert.Equal(AcmeStatus.Processing, again!.Status);
        Assert.Single(host.Harness.Published.Select<IssueCertificate>());
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM managed_certificates WHERE name = $1", "acme-" + order.Id));

        var versionId = await InsertVersionAsync((string)certificate["id"]!, jobId);
        await host.Harness.Bus.Publish(new CertificateIssued(jobId, (string)certificate["id"]!, versionId, "abc123",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90), DateTimeOffset.UtcNow));
        await Eventually.TrueAsync(database.ConnectionString, "SELECT status = 'valid' FROM acme_orders WHERE id = $1", order.Id);

        var valid = (await host.Get<OrderStore>().FindAsync(order.Id, default))!;
        Assert.Equal((string)certificate["id"]!, valid.CertificateId);
        var (chain, none) = await host.Get<CertificateChainStore>().FindAsync(valid.CertificateId!, account, default);
        Assert.Null(none);
        Assert.Equal("-----BEGIN CERTIFICATE-----\nchain\n-----END CERTIFICATE-----\n", chain);
        var intruder = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        Assert.Equal(AcmeProblemTypes.Unauthorized, (await host.Get<CertificateChainStore>().FindAsync(valid.CertificateId!, intruder, default)).Problem!.Type);
        Assert.Equal(404, (await host.Get<CertificateChainStore>().FindAsync("mc-unknown", account, default)).Problem!.Status);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'acme_order_finalized' AND resource_id = $1", order.Id));
    }

    [Fact]
    public async Task Only_a_final_issuance_failure_makes_the_order_invalid()
    {
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        var order = await ReadyOrderAsync(host, account, "failing.example.com");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await host.Get<FinalizeRequests>().FinalizeAsync(account, order.Id,
            NewOrderTests.Payload(new { csr = FinalizeCsrTests.Csr(key, "CN=failing.example.com", []) }), default);
        var (jobId, certificateId) = await IssuedByHand.JobOfAsync(database.ConnectionString, order.Id);

        // The retryable failure goes first: had it ended the order, the stored reason would be its own.
        await host.Harness.Bus.Publish(new IssuanceFailed(jobId, certificateId, "CA unavailable", Retryable: true, DateTimeOffset.UtcNow));
        await host.Harness.Bus.Publish(new IssuanceFailed(jobId, certificateId, "the CA refused the names", Retryable: false, DateTimeOffset.UtcNow));
        await Eventually.TrueAsync(database.ConnectionString, "SELECT status = 'invalid' FROM acme_orders WHERE id = $1", order.Id);
        var failed = (await host.Get<OrderStore>().FindAsync(order.Id, default))!;
        Assert.Equal(AcmeProblemTypes.ServerInternal, failed.Error!.Type);
        Assert.Contains("the CA refused the names", failed.Error.Detail);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'acme_order_failed' AND resource_id = $1", order.Id));
    }

    [Fact]
    public async Task Finalize_refuses_an_order_that_is_not_ready_a_bad_csr_and_another_accounts_order()
    {
        await NewOrderTests.EnsureChallengeProfileAsync(database.ConnectionString);
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        var pending = (await host.Get<NewOrders>().CreateAsync(account, NewOrderTests.ChallengeProfile,
            NewOrderTests.Payload(new { identifiers = new[] { new { type = "dns", value = "p.example.com" } } }), default)).Order!;
        var trusted = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        var ready = await ReadyOrderAsync(host, trusted, "r.example.com");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var finalize = host.Get<FinalizeRequests>();

        var notReady = (await finalize.FinalizeAsync(account, pending.Id, NewOrderTests.Payload(new { csr = "x" }), default)).Problem!;
        var wrongNames = (await finalize.FinalizeAsync(trusted, ready.Id,
            NewOrderTests.Payload(new { csr = FinalizeCsrTests.Csr(key, "CN=other.example.com", []) }), default)).Problem!;
        var notYours = (await finalize.FinalizeAsync(account, ready.Id, NewOrderTests.Payload(new { csr = "x" }), default)).Problem!;

        Assert.Equal((AcmeProblemTypes.OrderNotReady, 403), (notReady.Type, notReady.Status));
        Assert.Equal((AcmeProblemTypes.BadCsr, 400), (wrongNames.Type, wrongNames.Status));
        Assert.Equal((AcmeProblemTypes.Unauthorized, 403), (notYours.Type, notYours.Status));
        Assert.Equal("ready", await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT status FROM acme_orders WHERE id = $1", ready.Id));
        Assert.Empty(host.Harness.Published.Select<IssueCertificate>());
    }

    [Fact]
    public async Task Concurrent_finalizes_of_one_order_issue_once_and_an_expired_order_writes_nothing()
    {
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        var order = await ReadyOrderAsync(host, account, "race.example.com");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var payload = NewOrderTests.Payload(new { csr = FinalizeCsrTests.Csr(key, "CN=race.example.com", []) });

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => host.Get<FinalizeRequests>().FinalizeAsync(account, order.Id, payload, default))));

        Assert.All(answers, answer => Assert.Equal((AcmeStatus.Processing, null), (answer.Order?.Status, answer.Problem)));
        Assert.Single(host.Harness.Published.Select<IssueCertificate>());
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM managed_certificates WHERE name = $1", "acme-" + order.Id));

        var expired = await ReadyOrderAsync(host, account, "late.example.com");
        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE acme_orders SET expires_at = now() - interval '1 second' WHERE id = $1", expired.Id);
        var refused = (await host.Get<FinalizeRequests>().FinalizeAsync(account, expired.Id,
            NewOrderTests.Payload(new { csr = FinalizeCsrTests.Csr(key, "CN=late.example.com", []) }), default)).Problem!;

        Assert.Equal((AcmeProblemTypes.OrderNotReady, 403, "The order has expired."), (refused.Type, refused.Status, refused.Detail));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT (SELECT count(*) FROM managed_certificates WHERE name = $1) + (SELECT count(*) FROM audit_events WHERE resource_id = $2 AND action <> 'acme_order_created')",
            "acme-" + expired.Id, expired.Id));
        Assert.Single(host.Harness.Published.Select<IssueCertificate>());
    }

    private static async Task<AcmeOrder> ReadyOrderAsync(OrdersHost host, string account, params string[] names)
    {
        var (order, problem) = await host.Get<NewOrders>().CreateAsync(account, "prof-standard-tls",
            NewOrderTests.Payload(new { identifiers = names.Select(name => new { type = "dns", value = name }) }), default);
        Assert.Null(problem);
        Assert.Equal(AcmeStatus.Ready, order!.Status);
        return order;
    }

    private async Task<string> InsertVersionAsync(string certificateId, string jobId)
    {
        var versionId = "cv-" + Guid.NewGuid().ToString("N");
        await Sql.ExecuteAsync(database.ConnectionString, """
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain, job_id)
            VALUES ($1, $2, 'iss-local', 'abc123', now(), now() + interval '90 days', $3, $4, $5)
            """, versionId, certificateId, Guid.NewGuid().ToString("N"), "-----BEGIN CERTIFICATE-----\nchain\n-----END CERTIFICATE-----\n", jobId);
        return versionId;
    }
}
