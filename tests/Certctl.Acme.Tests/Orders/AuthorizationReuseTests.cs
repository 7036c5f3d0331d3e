using Certctl.Acme.Authorizations;
using Certctl.Acme.Challenges;
using Certctl.Acme.Orders;
using Certctl.Acme.Protocol;
using Certctl.Acme.Validation;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Tests.Orders;

/// <summary>Authorization reuse (RFC 8555 §7.1.3) on a real database, with the validation worker proving the first authorizations.</summary>
public sealed class AuthorizationReuseTests(MigratedDatabaseFixture<AuthorizationReuseTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<AuthorizationReuseTests>>
{
    [Fact]
    public async Task A_new_order_lists_the_accounts_proven_authorizations_and_is_ready_without_new_challenges()
    {
        await using var host = await StartAsync();
        var account = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        var first = await ProvenOrderAsync(host, database.ConnectionString, account, "www.reuse.example", "*.reuse.example");

        var again = await CreateAsync(host, account, "*.reuse.example", "www.reuse.example");
        var wider = await CreateAsync(host, account, "www.reuse.example", "*.reuse.example", "api.reuse.example");

        Assert.Equal(AcmeStatus.Ready, again.Status);
        Assert.Equal([first.AuthorizationIds[1], first.AuthorizationIds[0]], again.AuthorizationIds);
        Assert.Equal(again.AuthorizationIds, (await host.Get<OrderStore>().FindAsync(again.Id, default))!.AuthorizationIds);
        var authorizationExpiry = (await host.Get<AuthorizationStore>().FindAsync(first.AuthorizationIds[0], default))!.ExpiresAt;
        Assert.True(again.ExpiresAt <= authorizationExpiry, "the order must not outlive the authorizations it reuses");
        Assert.Equal(AcmeStatus.Pending, wider.Status);
        Assert.Equal(first.AuthorizationIds, wider.AuthorizationIds.Take(2));
        Assert.DoesNotContain(wider.AuthorizationIds[2], first.AuthorizationIds);
        Assert.Equal(1L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM acme_authorizations WHERE order_id = $1", wider.Id));

        // Proving the one new authorization makes the order ready: readiness counts the reused ones too.
        await ProveAsync(host, database.ConnectionString, account, wider.AuthorizationIds[2]);
        await Eventually.TrueAsync(database.ConnectionString, "SELECT status = 'ready' FROM acme_orders WHERE id = $1", wider.Id);

        // Deactivating a shared authorization invalidates every unfinished order that lists it.
        await host.Get<AuthorizationStore>().DeactivateAsync(first.AuthorizationIds[0], DateTimeOffset.UtcNow, default);
        Assert.Equal(3L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM acme_orders WHERE id = ANY($1) AND status = 'invalid'", (object)new[] { first.Id, again.Id, wider.Id }));
    }

    [Fact]
    public async Task Authorizations_of_another_account_unproven_too_old_or_about_to_expire_are_not_reused()
    {
        await using var host = await StartAsync();
        var account = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        var stranger = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        var old = await ProvenOrderAsync(host, database.ConnectionString, account, "old.reuse.example");
        var expiring = await ProvenOrderAsync(host, database.ConnectionString, account, "expiring.reuse.example");
        var trusted = await ProvenOrderAsync(host, database.ConnectionString, account, "trusted.reuse.example");
        var fresh = await ProvenOrderAsync(host, database.ConnectionString, account, "fresh.reuse.example");
        await Sql.ExecuteAsync(database.ConnectionString,
            "UPDATE acme_challenges SET validated_at = now() - interval '31 days' WHERE authorization_id = $1 AND status = 'valid'", old.AuthorizationIds[0]);
        await Sql.ExecuteAsync(database.ConnectionString,
            "UPDATE acme_authorizations SET expires_at = now() + interval '5 minutes' WHERE id = $1", expiring.AuthorizationIds[0]);
        // As if born valid in trust_authenticated mode before the profile switched to challenge.
        await Sql.ExecuteAsync(database.ConnectionString,
            "UPDATE acme_authorizations SET challenge_proven = FALSE WHERE id = $1", trusted.AuthorizationIds[0]);

        foreach (var name in new[] { "old.reuse.example", "expiring.reuse.example", "trusted.reuse.example" })
        {
            var order = await CreateAsync(host, account, name);
            Assert.Equal(AcmeStatus.Pending, order.Status);
        }

        var theirs = await CreateAsync(host, stranger, "fresh.reuse.example");
        Assert.Equal(AcmeStatus.Pending, theirs.Status);
        Assert.NotEqual(fresh.AuthorizationIds[0], theirs.AuthorizationIds[0]);

        // Trust mode writes its own valid authorizations: nothing is looked up or shared there.
        var trustAccount = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        var trustOrders = new[]
        {
            await CreateOnAsync(host, trustAccount, "prof-standard-tls", ["t.reuse.example"]), await CreateOnAsync(host, trustAccount, "prof-standard-tls", ["t.reuse.example"]),
        };
        Assert.NotEqual(trustOrders[0].AuthorizationIds[0], trustOrders[1].AuthorizationIds[0]);
    }

    [Fact]
    public async Task Reuse_can_be_turned_off()
    {
        await using var host = await StartAsync();
        var account = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        await ProvenOrderAsync(host, database.ConnectionString, account, "off.reuse.example");
        var off = new ReusableAuthorizations(host.Get<Npgsql.NpgsqlDataSource>(), Options.Create(new AcmeOrderOptions { AuthorizationReuseEnabled = false }));
        var on = host.Get<ReusableAuthorizations>();
        (AcmeIdentifier, bool)[] wanted = [(new AcmeIdentifier("dns", "off.reuse.example"), false)];

        Assert.Empty(await off.FindAsync(account, NewOrderTests.ChallengeProfile, wanted, DateTimeOffset.UtcNow, default));
        Assert.Single(await on.FindAsync(account, NewOrderTests.ChallengeProfile, wanted, DateTimeOffset.UtcNow, default));
    }

    private async Task<OrdersHost> StartAsync()
    {
        await NewOrderTests.EnsureChallengeProfileAsync(database.ConnectionString);
        return await OrdersHost.StartAsync(database.ConnectionString, output, null,
            new ScriptedValidator(ChallengeTypes.Http01, ChallengeValidationResult.Valid), new ScriptedValidator(ChallengeTypes.Dns01, ChallengeValidationResult.Valid));
    }

    /// <summary>A challenge-mode order whose every authorization the validation worker made valid: the order is ready.</summary>
    internal static async Task<AcmeOrder> ProvenOrderAsync(OrdersHost host, string connectionString, string account, params string[] names)
    {
        var order = await CreateAsync(host, account, names);
        Assert.Equal(AcmeStatus.Pending, order.Status);
        foreach (var authorizationId in order.AuthorizationIds)
        {
            await ProveAsync(host, connectionString, account, authorizationId);
        }

        await Eventually.TrueAsync(connectionString, "SELECT status = 'ready' FROM acme_orders WHERE id = $1", order.Id);
        return (await host.Get<OrderStore>().FindAsync(order.Id, default))!;
    }

    private static async Task ProveAsync(OrdersHost host, string connectionString, string account, string authorizationId)
    {
        var authorization = (await host.Get<AuthorizationStore>().FindAsync(authorizationId, default))!;
        var challenge = authorization.Challenges.First(c => c.Type == (authorization.Wildcard ? ChallengeTypes.Dns01 : ChallengeTypes.Http01));
        var (_, _, problem) = await host.Get<ChallengeResponses>().RespondAsync(account, challenge.Id, postAsGet: false, default);
        Assert.Null(problem);
        await Eventually.TrueAsync(connectionString, "SELECT status = 'valid' FROM acme_authorizations WHERE id = $1", authorizationId);
    }

    private static Task<AcmeOrder> CreateAsync(OrdersHost host, string account, params string[] names) =>
        CreateOnAsync(host, account, NewOrderTests.ChallengeProfile, names);

    private static async Task<AcmeOrder> CreateOnAsync(OrdersHost host, string account, string profile, string[] names)
    {
        var (order, problem) = await host.Get<NewOrders>().CreateAsync(account, profile,
            NewOrderTests.Payload(new { identifiers = names.Select(name => new { type = "dns", value = name }) }), default);
        Assert.Null(problem);
        return order!;
    }
}
