using System.Text.Json;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;
using Certctl.Acme.RateLimiting;

namespace Certctl.Acme.Tests.Orders;

/// <summary>newOrder against a real database: the rows of each auth mode, the rate limit, and the checks before any write.</summary>
public sealed class NewOrderTests(MigratedDatabaseFixture<NewOrderTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<NewOrderTests>>
{
    internal const string ChallengeProfile = "prof-acme-challenge";

    [Fact]
    public async Task A_trust_mode_order_is_ready_with_valid_authorizations_at_once()
    {
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");

        var (order, problem) = await host.Get<NewOrders>().CreateAsync(account, "prof-standard-tls",
            Payload(new { identifiers = new[] { new { type = "dns", value = "Trust.Example.com" } }, notAfter = "2030-01-02T03:04:05Z" }), default);

        Assert.Null(problem);
        Assert.Equal(AcmeStatus.Ready, order!.Status);
        Assert.Equal([new AcmeIdentifier("dns", "trust.example.com")], order.Identifiers);
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), order.NotAfter);
        var stored = (await host.Get<OrderStore>().FindAsync(order.Id, default))!;
        Assert.Equal(order.AuthorizationIds, stored.AuthorizationIds);
        Assert.Equal(AcmeStatus.Ready, stored.Status);
        var rows = await Sql.RowsAsync(database.ConnectionString, """
            SELECT a.status AS authz, c.type, c.status AS challenge, c.validated_at IS NOT NULL AS validated
            FROM acme_authorizations a JOIN acme_challenges c ON c.authorization_id = a.id WHERE a.order_id = $1
            """, order.Id);
        var row = Assert.Single(rows);
        Assert.Equal(("valid", "http-01", "valid", true), ((string)row["authz"]!, (string)row["type"]!, (string)row["challenge"]!, (bool)row["validated"]!));
        Assert.Equal((AcmeRateLimit.NewOrdersPerAccount, account), Assert.Single(host.RateLimiter.Requests));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'acme_order_created' AND resource_id = $1 AND actor = $2", order.Id, "acme:" + account));
    }

    [Fact]
    public async Task A_challenge_mode_order_offers_three_challenges_and_only_dns01_for_a_wildcard()
    {
        await EnsureChallengeProfileAsync(database.ConnectionString);
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, ChallengeProfile);

        var (order, problem) = await host.Get<NewOrders>().CreateAsync(account, ChallengeProfile, Payload(new
        {
            identifiers = new[] { new { type = "dns", value = "www.example.com" }, new { type = "dns", value = "*.example.com" }, new { type = "ip", value = "192.0.2.9" } },
        }), default);

        Assert.Null(problem);
        Assert.Equal(AcmeStatus.Pending, order!.Status);
        Assert.Equal("*.example.com", order.Identifiers[1].Value);
        var rows = await Sql.RowsAsync(database.ConnectionString, """
            SELECT a.identifier_value AS name, a.wildcard, a.status, string_agg(c.type, ',' ORDER BY c.type) AS types,
                   bool_and(c.status = 'pending') AS pending, min(length(c.token)) AS token_length
            FROM acme_authorizations a JOIN acme_challenges c ON c.authorization_id = a.id
            WHERE a.order_id = $1 GROUP BY a.id, a.created_at ORDER BY a.created_at
            """, order.Id);
        Assert.Equal(
            [("www.example.com", false, "dns-01,http-01,tls-alpn-01"), ("example.com", true, "dns-01"), ("192.0.2.9", false, "http-01,tls-alpn-01")],
            rows.Select(r => ((string)r["name"]!, (bool)r["wildcard"]!, (string)r["types"]!)));
        Assert.All(rows, r => Assert.Equal(("pending", true), ((string)r["status"]!, (bool)r["pending"]!)));
        Assert.All(rows, r => Assert.Equal(43, (int)r["token_length"]!)); // 256 bits, base64url
    }

    [Fact]
    public async Task A_refused_order_writes_nothing_and_a_rate_limited_one_says_when_to_retry()
    {
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        var orders = host.Get<NewOrders>();

        Assert.Equal(AcmeProblemTypes.Malformed, (await orders.CreateAsync(account, "prof-standard-tls", null, default)).Problem!.Type);
        Assert.Equal(AcmeProblemTypes.Malformed, (await orders.CreateAsync(account, "prof-standard-tls", Payload(new[] { 1 }), default)).Problem!.Type);
        Assert.Equal(AcmeProblemTypes.RejectedIdentifier,
            (await orders.CreateAsync(account, "prof-standard-tls", Payload(new { identifiers = new[] { new { type = "dns", value = "*.*.x.com" } } }), default)).Problem!.Type);
        Assert.Equal(AcmeProblemTypes.Malformed, (await orders.CreateAsync(account, "prof-standard-tls", Payload(new
        {
            identifiers = new[] { new { type = "dns", value = "a.example.com" } }, notBefore = "yesterday",
        }), default)).Problem!.Type);
        Assert.Equal(AcmeProblemTypes.Malformed, (await orders.CreateAsync(account, "prof-standard-tls", Payload(new
        {
            identifiers = new[] { new { type = "dns", value = "a.example.com" } }, notBefore = "2030-01-02T00:00:00Z", notAfter = "2030-01-01T00:00:00Z",
        }), default)).Problem!.Type);
        Assert.Empty(host.RateLimiter.Requests);

        host.RateLimiter.RefuseWith = TimeSpan.FromSeconds(36);
        var limited = (await orders.CreateAsync(account, "prof-standard-tls",
            Payload(new { identifiers = new[] { new { type = "dns", value = "a.example.com" } } }), default)).Problem!;

        Assert.Equal((AcmeProblemTypes.RateLimited, 429, TimeSpan.FromSeconds(36)), (limited.Type, limited.Status, limited.RetryAfter));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM acme_orders WHERE account_id = $1", account));
    }

    [Fact]
    public async Task Replaces_must_name_a_certificate_of_the_same_account()
    {
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        var orders = host.Get<NewOrders>();
        object Replacing(string id) => new { identifiers = new[] { new { type = "dns", value = "r.example.com" } }, replaces = id };

        Assert.Equal(AcmeProblemTypes.Malformed, (await orders.CreateAsync(account, "prof-standard-tls", Payload(Replacing("no-dot")), default)).Problem!.Type);
        Assert.Equal(AcmeProblemTypes.Malformed, (await orders.CreateAsync(account, "prof-standard-tls", Payload(Replacing("AQID.BAU")), default)).Problem!.Type);
    }

    [Fact]
    public async Task Replaces_must_share_an_identifier_belong_to_the_account_and_not_be_replaced_already()
    {
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        var other = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        var orders = host.Get<NewOrders>();
        var certificate = await IssuedAsync(host, account, "old.example.com", "www.old.example.com");
        object Replacing(params string[] names) => new { identifiers = names.Select(name => new { type = "dns", value = name }), replaces = certificate };

        var unrelated = (await orders.CreateAsync(account, "prof-standard-tls", Payload(Replacing("new.example.com")), default)).Problem!;
        var stolen = (await orders.CreateAsync(other, "prof-standard-tls", Payload(Replacing("old.example.com")), default)).Problem!;
        var (renewal, none) = await orders.CreateAsync(account, "prof-standard-tls", Payload(Replacing("www.old.example.com", "api.old.example.com")), default);
        var twice = (await orders.CreateAsync(account, "prof-standard-tls", Payload(Replacing("old.example.com")), default)).Problem!;

        Assert.Equal((AcmeProblemTypes.Malformed, 400), (unrelated.Type, unrelated.Status));
        Assert.Equal((AcmeProblemTypes.Unauthorized, 403), (stolen.Type, stolen.Status));
        Assert.Null(none);
        Assert.Equal(certificate, renewal!.Replaces);
        Assert.Equal((AcmeProblemTypes.AlreadyReplaced, 409), (twice.Type, twice.Status));

        // Once the replacing order is invalid, another may replace the certificate.
        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE acme_orders SET status = 'invalid' WHERE id = $1", renewal.Id);
        Assert.Null((await orders.CreateAsync(account, "prof-standard-tls", Payload(Replacing("old.example.com")), default)).Problem);
    }

    [Fact]
    public async Task Concurrent_orders_replacing_one_certificate_leave_exactly_one()
    {
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        var certificate = await IssuedAsync(host, account, "race.example.com");
        var payload = Payload(new { identifiers = new[] { new { type = "dns", value = "race.example.com" } }, replaces = certificate });

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => host.Get<NewOrders>().CreateAsync(account, "prof-standard-tls", payload, default))));

        Assert.Single(results, r => r.Order is not null);
        Assert.All(results.Where(r => r.Order is null), r => Assert.Equal((AcmeProblemTypes.AlreadyReplaced, 409), (r.Problem!.Type, r.Problem.Status)));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM acme_orders WHERE replaces = $1", certificate));
    }

    /// <summary>An order of <paramref name="account"/> made valid with a stored version; returns the version's ARI certificate id.</summary>
    private async Task<string> IssuedAsync(OrdersHost host, string account, params string[] names)
    {
        var (order, problem) = await host.Get<NewOrders>().CreateAsync(account, "prof-standard-tls",
            Payload(new { identifiers = names.Select(name => new { type = "dns", value = name }) }), default);
        Assert.Null(problem);
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var (processing, refused) = await host.Get<Certctl.Acme.Finalize.FinalizeRequests>().FinalizeAsync(account, order!.Id,
            Payload(new { csr = FinalizeCsrTests.Csr(key, "CN=" + names[0], names[1..]) }), default);
        Assert.Null(refused);
        var serial = "1" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        const string aki = "0a0b0c0d";
        var versionId = "cv-" + Guid.NewGuid().ToString("N");
        await Sql.ExecuteAsync(database.ConnectionString, """
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, authority_key_identifier, not_before, not_after,
                                              fingerprint_sha256, pem_chain)
            VALUES ($1, $2, 'iss-local', $3, $4, now(), now() + interval '90 days', $5, 'pem')
            """, versionId, processing!.CertificateId, serial, aki, Guid.NewGuid().ToString("N"));
        await Sql.ExecuteAsync(database.ConnectionString,
            "UPDATE acme_orders SET status = 'valid', certificate_version_id = $2 WHERE id = $1", order.Id, versionId);
        return Certctl.Domain.AriCertificateId.FromStoredHex(aki, serial)!;
    }

    internal static JsonElement Payload(object value) => JsonSerializer.SerializeToElement(value);

    internal static Task EnsureChallengeProfileAsync(string connectionString) => Sql.ExecuteAsync(connectionString, $"""
        INSERT INTO certificate_profiles (id, name, acme_auth_mode, acme_allow_private_addresses)
        VALUES ('{ChallengeProfile}', 'ACME challenge (test)', 'challenge', TRUE) ON CONFLICT DO NOTHING
        """);
}
