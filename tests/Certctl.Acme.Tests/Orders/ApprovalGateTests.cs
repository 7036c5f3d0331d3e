using System.Security.Cryptography;
using Certctl.Acme.Finalize;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Contracts;

namespace Certctl.Acme.Tests.Orders;

/// <summary>
/// Finalize behind a profile that requires approval: the job waits AwaitingApproval with its approval request and the order stays
/// processing; the operator API's decision (its SQL, as <c>JobEndpoints</c> runs it) lets issuance proceed or makes the order invalid.
/// </summary>
public sealed class ApprovalGateTests(MigratedDatabaseFixture<ApprovalGateTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<ApprovalGateTests>>
{
    private const string GatedProfile = "prof-acme-gated";

    [Fact]
    public async Task A_gated_finalize_waits_for_approval_sends_nothing_and_an_approval_lets_issuance_proceed()
    {
        await EnsureGatedProfileAsync();
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, GatedProfile);
        var order = await FinalizedAsync(host, account, "gated.example.com");

        Assert.Equal((AcmeStatus.Processing, true), (order.Status, order.AwaitingApproval));
        var job = Assert.Single(await Sql.RowsAsync(database.ConnectionString, """
            SELECT j.id, j.status, j.attempts, j.csr_pem IS NOT NULL AS has_csr, j.lease_expires_at IS NULL AS no_lease, j.requested_by,
                   r.state, r.requested_by AS approval_requester, r.profile_id
            FROM acme_orders o JOIN jobs j ON j.id = o.job_id JOIN issuance_approval_requests r ON r.job_id = j.id
            WHERE o.id = $1
            """, order.Id));
        Assert.Equal(("AwaitingApproval", 0, true, true, "acme:" + account, "pending", "acme:" + account, GatedProfile),
            ((string)job["status"]!, (int)job["attempts"]!, (bool)job["has_csr"]!, (bool)job["no_lease"]!, (string)job["requested_by"]!,
             (string)job["state"]!, (string)job["approval_requester"]!, (string)job["profile_id"]!));
        Assert.Empty(host.Harness.Published.Select<IssueCertificate>());

        // Polling (and a retried finalize) show it waiting, and start nothing.
        var polled = (await host.Get<OwnedOrders>().FindAsync(account, order.Id, default)).Order!;
        Assert.Equal((AcmeStatus.Processing, true), (polled.Status, polled.AwaitingApproval));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (again, none) = await host.Get<FinalizeRequests>().FinalizeAsync(account, order.Id,
            NewOrderTests.Payload(new { csr = FinalizeCsrTests.Csr(key, "CN=gated.example.com", []) }), default);
        Assert.Null(none);
        Assert.True(again!.AwaitingApproval);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM jobs WHERE certificate_id = $1", order.CertificateId));

        await ApproveAsync((string)job["id"]!);
        var approved = (await host.Get<OrderStore>().FindAsync(order.Id, default))!;
        Assert.Equal((AcmeStatus.Processing, false), (approved.Status, approved.AwaitingApproval));

        // The dispatcher sends the approved job (its CSR is on it); the connector's event ends the order as for any other.
        var versionId = "cv-" + Guid.NewGuid().ToString("N");
        await Sql.ExecuteAsync(database.ConnectionString, """
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain, job_id)
            VALUES ($1, $2, 'iss-local', 'a1', now(), now() + interval '90 days', $3, 'pem', $4)
            """, versionId, order.CertificateId, Guid.NewGuid().ToString("N"), (string)job["id"]!);
        await host.Harness.Bus.Publish(new CertificateIssued((string)job["id"]!, order.CertificateId!, versionId, "a1",
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(90), DateTimeOffset.UtcNow));
        await Eventually.TrueAsync(database.ConnectionString, "SELECT status = 'valid' FROM acme_orders WHERE id = $1", order.Id);
    }

    [Fact]
    public async Task An_approved_job_is_one_the_dispatcher_claims()
    {
        await EnsureGatedProfileAsync();
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, GatedProfile);
        var order = await FinalizedAsync(host, account, "claim.example.com");
        var jobId = (await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT job_id FROM acme_orders WHERE id = $1", order.Id))!;

        await ApproveAsync(jobId);

        // The dispatcher's claim condition (JobDispatcher.Claim): due, Pending, attempts left, and a CSR for an agent-key certificate.
        Assert.True(await Sql.ScalarAsync<bool>(database.ConnectionString, """
            SELECT j.status = 'Pending' AND j.next_attempt_at <= now() AND j.attempts < j.max_attempts
                   AND (c.keygen_mode = 'server' OR j.csr_pem IS NOT NULL)
            FROM jobs j JOIN managed_certificates c ON c.id = j.certificate_id WHERE j.id = $1
            """, jobId));
    }

    [Fact]
    public async Task A_rejection_makes_the_order_invalid_with_the_reason_and_an_expired_approval_too()
    {
        await EnsureGatedProfileAsync();
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, GatedProfile);
        var rejected = await FinalizedAsync(host, account, "rejected.example.com");
        var expired = await FinalizedAsync(host, account, "expired.example.com");

        await CancelAsync(rejected, "rejected: not our domain", "rejected");
        await CancelAsync(expired, "approval expired after 168h", "expired");

        var (order, problem) = await host.Get<OwnedOrders>().FindAsync(account, rejected.Id, default);
        Assert.Null(problem);
        Assert.Equal(AcmeStatus.Invalid, order!.Status);
        Assert.Equal((AcmeProblemTypes.Unauthorized, 403, "An operator rejected the issuance: not our domain"),
            (order.Error!.Type, order.Error.Status, order.Error.Detail));
        var timedOut = (await host.Get<OrderStore>().FindAsync(expired.Id, default))!;
        Assert.Equal((AcmeStatus.Invalid, AcmeProblemTypes.Unauthorized), (timedOut.Status, timedOut.Error!.Type));
        Assert.Contains("approval expired after 168h", timedOut.Error.Detail);

        // Stored, not recomputed: a second read finds the row invalid and writes no second audit row.
        Assert.Equal(AcmeStatus.Invalid, (await host.Get<OrderStore>().FindAsync(rejected.Id, default))!.Status);
        Assert.Equal("invalid", await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT status FROM acme_orders WHERE id = $1", rejected.Id));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'acme_order_failed' AND resource_id = $1", rejected.Id));

        var (_, notReady) = await host.Get<FinalizeRequests>().FinalizeAsync(account, rejected.Id, NewOrderTests.Payload(new { csr = "x" }), default);
        Assert.Equal((AcmeProblemTypes.OrderNotReady, 403), (notReady!.Type, notReady.Status));
        Assert.Empty(host.Harness.Published.Select<IssueCertificate>());
    }

    [Fact]
    public async Task Over_http_the_waiting_order_says_to_poll_after_the_approval_retry_after()
    {
        await EnsureGatedProfileAsync();
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output,
            new Dictionary<string, string?> { ["CERTCTL_ACME_SERVER_APPROVAL_RETRY_AFTER_SECONDS"] = "45" });
        using var client = new AcmeTestClient(host.Client(), host.Directory(GatedProfile));
        var key = TestKey.Create("ES256");
        var kid = await client.NewAccountAsync(key);
        using var created = await client.PostAsync(await client.Url("newOrder"), key, new { identifiers = new[] { new { type = "dns", value = "wait.example.com" } } }, kid);
        var order = await AcmeAssert.JsonAsync(created, System.Net.HttpStatusCode.Created);
        using var certificateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        using var finalized = await client.PostAsync(order.GetProperty("finalize").GetString()!, key,
            new { csr = FinalizeCsrTests.Csr(certificateKey, "CN=wait.example.com", []) }, kid);
        var body = await AcmeAssert.JsonAsync(finalized, System.Net.HttpStatusCode.OK);
        using var polled = await client.PostAsync(created.Headers.Location!.ToString(), key, null, kid);

        Assert.Equal("processing", body.GetProperty("status").GetString());
        Assert.Equal("45", finalized.Headers.GetValues("Retry-After").Single());
        Assert.Equal("45", polled.Headers.GetValues("Retry-After").Single());
    }

    private async Task<AcmeOrder> FinalizedAsync(OrdersHost host, string account, string name)
    {
        var (order, problem) = await host.Get<NewOrders>().CreateAsync(account, GatedProfile,
            NewOrderTests.Payload(new { identifiers = new[] { new { type = "dns", value = name } } }), default);
        Assert.Null(problem);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (processing, refused) = await host.Get<FinalizeRequests>().FinalizeAsync(account, order!.Id,
            NewOrderTests.Payload(new { csr = FinalizeCsrTests.Csr(key, "CN=" + name, []) }), default);
        Assert.Null(refused);
        return processing!;
    }

    // What POST /api/v1/jobs/{id}/approve writes (Certctl.Gateway JobEndpoints.ApproveJob).
    private Task ApproveAsync(string jobId) => Sql.ExecuteAsync(database.ConnectionString, """
        WITH job AS (
            UPDATE jobs SET status = 'Pending', approved_by = 'alice', approval_decided_at = now(), next_attempt_at = now(), updated_at = now()
            WHERE id = $1 RETURNING id)
        UPDATE issuance_approval_requests SET state = 'approved', decided_by = 'alice', decided_at = now() WHERE job_id IN (SELECT id FROM job) AND state = 'pending'
        """, jobId);

    // What a rejection (JobEndpoints.RejectJob) or the timeout reaper writes: the job Cancelled with why, the request decided.
    private Task CancelAsync(AcmeOrder order, string lastError, string state) => Sql.ExecuteAsync(database.ConnectionString, """
        WITH job AS (
            UPDATE jobs SET status = 'Cancelled', last_error = $2, completed_at = now(), updated_at = now()
            WHERE id = (SELECT job_id FROM acme_orders WHERE id = $1) RETURNING id)
        UPDATE issuance_approval_requests SET state = $3, decided_by = 'bob', decided_at = now() WHERE job_id IN (SELECT id FROM job) AND state = 'pending'
        """, order.Id, lastError, state);

    private Task EnsureGatedProfileAsync() => Sql.ExecuteAsync(database.ConnectionString, $"""
        INSERT INTO certificate_profiles (id, name, requires_approval) VALUES ('{GatedProfile}', 'ACME gated (test)', TRUE) ON CONFLICT DO NOTHING
        """);
}
