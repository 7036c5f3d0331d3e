using Certctl.Acme.Authorizations;
using Certctl.Acme.Challenges;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Acme.RateLimiting;
using Certctl.Acme.Validation;

namespace Certctl.Acme.Tests.Orders;

/// <summary>Challenge mode on a real database: the client's POST, the validation worker, and how authorization and order follow.</summary>
public sealed class ChallengeFlowTests(MigratedDatabaseFixture<ChallengeFlowTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<ChallengeFlowTests>>
{
    [Fact]
    public async Task Valid_challenges_make_each_authorization_valid_and_then_the_order_ready()
    {
        await NewOrderTests.EnsureChallengeProfileAsync(database.ConnectionString);
        var http = new ScriptedValidator(ChallengeTypes.Http01, ChallengeValidationResult.Valid);
        var dns = new ScriptedValidator(ChallengeTypes.Dns01, ChallengeValidationResult.Valid);
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output, null, http, dns);
        var account = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        var order = await CreateAsync(host, account, "www.example.com", "*.example.com");
        var plain = (await host.Get<AuthorizationStore>().FindAsync(order.AuthorizationIds[0], default))!;
        var wildcard = (await host.Get<AuthorizationStore>().FindAsync(order.AuthorizationIds[1], default))!;

        var (started, up, problem) = await host.Get<ChallengeResponses>().RespondAsync(
            account, plain.Challenges.Single(c => c.Type == ChallengeTypes.Http01).Id, postAsGet: false, default);
        Assert.Null(problem);
        Assert.Equal((AcmeStatus.Processing, plain.Id), (started!.Status, up));
        await Eventually.TrueAsync(database.ConnectionString, "SELECT status = 'valid' FROM acme_authorizations WHERE id = $1", plain.Id);
        Assert.Equal(AcmeStatus.Pending, (await host.Get<OrderStore>().FindAsync(order.Id, default))!.Status);

        await host.Get<ChallengeResponses>().RespondAsync(account, wildcard.Challenges.Single().Id, postAsGet: false, default);
        await Eventually.TrueAsync(database.ConnectionString, "SELECT status = 'ready' FROM acme_orders WHERE id = $1", order.Id);

        var request = Assert.Single(http.Requests);
        Assert.Equal(("www.example.com", true), (request.Identifier.Value, request.AllowPrivateAddresses));
        Assert.Equal(plain.Challenges.Single(c => c.Type == ChallengeTypes.Http01).Token + "." + await OrderRows.ThumbprintAsync(database.ConnectionString, account),
            request.KeyAuthorization);
        Assert.Equal("example.com", Assert.Single(dns.Requests).Identifier.Value);
        var validated = (await host.Get<AuthorizationStore>().FindAsync(plain.Id, default))!.Challenges.Single(c => c.Type == ChallengeTypes.Http01);
        Assert.Equal(AcmeStatus.Valid, validated.Status);
        Assert.NotNull(validated.ValidatedAt);
        Assert.Equal(2L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM audit_events WHERE action = 'acme_challenge_completed' AND actor = $1", "acme:" + account));
        // Both POSTs checked the failed-validations budget; neither success spent it.
        Assert.Equal([account + "|www.example.com", account + "|example.com"],
            host.RateLimiter.Checks.Where(r => r.Limit == AcmeRateLimit.FailedValidationsPerAccountIdentifier).Select(r => r.Subject));
        Assert.Empty(FailuresSpent(host));
    }

    [Fact]
    public async Task A_failed_challenge_makes_the_authorization_and_the_order_invalid_with_the_reason()
    {
        await NewOrderTests.EnsureChallengeProfileAsync(database.ConnectionString);
        var refused = ChallengeValidationResult.Invalid(new AcmeProblem(AcmeProblemTypes.IncorrectResponse, "http-01 validation failed: wrong body", 403));
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output, null, new ScriptedValidator(ChallengeTypes.Http01, refused));
        var account = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        var order = await CreateAsync(host, account, "fail.example.com");
        var authorization = (await host.Get<AuthorizationStore>().FindAsync(order.AuthorizationIds[0], default))!;
        var challenge = authorization.Challenges.Single(c => c.Type == ChallengeTypes.Http01);

        await host.Get<ChallengeResponses>().RespondAsync(account, challenge.Id, postAsGet: false, default);
        await Eventually.TrueAsync(database.ConnectionString, "SELECT status = 'invalid' FROM acme_orders WHERE id = $1", order.Id);

        var failed = (await host.Get<OrderStore>().FindAsync(order.Id, default))!;
        Assert.Equal(AcmeProblemTypes.IncorrectResponse, failed.Error!.Type);
        var sub = Assert.Single(failed.Error.Subproblems!);
        Assert.Equal(("http-01 validation failed: wrong body", "fail.example.com"), (sub.Detail, sub.Identifier!.Value));
        var after = (await host.Get<AuthorizationStore>().FindAsync(authorization.Id, default))!;
        Assert.Equal(AcmeStatus.Invalid, after.Status);
        Assert.Equal(AcmeProblemTypes.IncorrectResponse, after.Challenges.Single(c => c.Id == challenge.Id).Error!.Type);

        // Another challenge of the finished authorization is answered as it is, and starts nothing.
        var (other, _, _) = await host.Get<ChallengeResponses>().RespondAsync(account, after.Challenges.First(c => c.Id != challenge.Id).Id, false, default);
        Assert.Equal(AcmeStatus.Pending, other!.Status);

        // The failure, and only it, is spent on the account and identifier's budget, just after the outcome is recorded.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!FailuresSpent(host).Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(account + "|fail.example.com", Assert.Single(FailuresSpent(host)));
        Assert.Equal([account + "|fail.example.com"],
            host.RateLimiter.Checks.Where(r => r.Limit == AcmeRateLimit.FailedValidationsPerAccountIdentifier).Select(r => r.Subject));
    }

    private static List<string> FailuresSpent(OrdersHost host) =>
        [.. host.RateLimiter.Spent().Where(r => r.Limit == AcmeRateLimit.FailedValidationsPerAccountIdentifier).Select(r => r.Subject)];

    [Fact]
    public async Task Another_account_cannot_touch_the_challenge_and_an_exhausted_budget_is_429()
    {
        await NewOrderTests.EnsureChallengeProfileAsync(database.ConnectionString);
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        var intruder = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        var order = await CreateAsync(host, account, "mine.example.com");
        var challenge = (await host.Get<AuthorizationStore>().FindAsync(order.AuthorizationIds[0], default))!.Challenges[0];
        var responses = host.Get<ChallengeResponses>();

        Assert.Equal((AcmeProblemTypes.Unauthorized, 403), Pair((await responses.RespondAsync(intruder, challenge.Id, false, default)).Problem!));
        Assert.Equal((AcmeProblemTypes.Malformed, 404), Pair((await responses.RespondAsync(account, "chal-unknown", false, default)).Problem!));
        Assert.Equal(AcmeProblemTypes.Unauthorized,
            (await host.Get<AuthorizationRequests>().HandleAsync(intruder, order.AuthorizationIds[0], null, default)).Problem!.Type);

        host.RateLimiter.RefuseWith = TimeSpan.FromMinutes(5);
        var limited = (await responses.RespondAsync(account, challenge.Id, false, default)).Problem!;
        Assert.Equal((AcmeProblemTypes.RateLimited, 429, TimeSpan.FromMinutes(5)), (limited.Type, limited.Status, limited.RetryAfter));
        Assert.Equal("pending", await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT status FROM acme_challenges WHERE id = $1", challenge.Id));
    }

    [Fact]
    public async Task The_client_can_deactivate_an_authorization_which_ends_its_order()
    {
        await NewOrderTests.EnsureChallengeProfileAsync(database.ConnectionString);
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output);
        var account = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        var order = await CreateAsync(host, account, "gone.example.com");
        var requests = host.Get<AuthorizationRequests>();

        var bad = await requests.HandleAsync(account, order.AuthorizationIds[0], NewOrderTests.Payload(new { status = "valid" }), default);
        Assert.Equal(AcmeProblemTypes.Malformed, bad.Problem!.Type);
        var (deactivated, problem) = await requests.HandleAsync(account, order.AuthorizationIds[0], NewOrderTests.Payload(new { status = "deactivated" }), default);

        Assert.Null(problem);
        Assert.Equal(AcmeStatus.Deactivated, deactivated!.Status);
        Assert.Equal(AcmeStatus.Invalid, (await host.Get<OrderStore>().FindAsync(order.Id, default))!.Status);
    }

    private static (string, int) Pair(AcmeProblem problem) => (problem.Type, problem.Status);

    private static async Task<AcmeOrder> CreateAsync(OrdersHost host, string account, params string[] names)
    {
        var (order, problem) = await host.Get<NewOrders>().CreateAsync(account, NewOrderTests.ChallengeProfile,
            NewOrderTests.Payload(new { identifiers = names.Select(name => new { type = "dns", value = name }) }), default);
        Assert.Null(problem);
        return order!;
    }
}
