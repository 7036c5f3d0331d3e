using System.Net;
using System.Text.Json;
using Certctl.Acme.Accounts;
using Certctl.Acme.Notifications;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Certctl.Acme.Tests.Caching;

/// <summary>
/// Accounts and profile policies served from memory against a real database: a change written anywhere (here by hand, as another
/// replica or the gateway would) is forgotten through its Postgres notification, and the next request sees it.
/// </summary>
public sealed class CachedRowsFlowTests(MigratedDatabaseFixture<CachedRowsFlowTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<CachedRowsFlowTests>>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_account_deactivated_elsewhere_is_refused_once_its_notification_arrives()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        var accounts = host.Services.GetRequiredService<AccountStore>();
        await UntilAsync(() => accounts.Cached.IsLive, "the account cache goes live");
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var key = TestKey.Create("ES256");
        var kid = await client.NewAccountAsync(key);
        var id = kid[(kid.LastIndexOf('/') + 1)..];

        using (var read = await client.PostAsync(kid, key, null, kid: kid))
        {
            await AcmeAssert.JsonAsync(read, HttpStatusCode.OK);
        }

        Assert.True(accounts.Cached.TryGet(id, out var kept));
        Assert.Equal(AcmeAccount.Valid, kept.Status);
        Assert.Null(await accounts.FindAsync(AcmeHost.OtherProfile, id, default));

        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE acme_accounts SET status = 'deactivated' WHERE id = $1", id);
        await UntilAsync(() => !accounts.Cached.TryGet(id, out _), "the change is forgotten");

        using var refused = await client.PostAsync(kid, key, null, kid: kid);
        await AcmeAssert.ProblemAsync(refused, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_profile_edited_elsewhere_applies_to_the_next_order_once_its_notification_arrives()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        var policies = host.Services.GetRequiredService<AcmeProfilePolicies>();
        var orders = host.Services.GetRequiredService<NewOrders>();
        await UntilAsync(() => policies.Cached.IsLive, "the policy cache goes live");
        using var client = new AcmeTestClient(host.Client(), host.Directory());
        var kid = await client.NewAccountAsync(TestKey.Create("ES256"));
        var account = kid[(kid.LastIndexOf('/') + 1)..];

        (AcmeOrder? first, AcmeProblem? allowed) = await orders.CreateAsync(account, AcmeHost.DefaultProfile, Identifiers("before.example.com"), default);
        Assert.Null(allowed);
        Assert.NotNull(first);
        Assert.True(policies.Cached.TryGet(AcmeHost.DefaultProfile, out _));

        await Sql.ExecuteAsync(database.ConnectionString,
            "UPDATE certificate_profiles SET required_san_patterns = ARRAY['^only\\.example\\.com$'] WHERE id = $1", AcmeHost.DefaultProfile);
        try
        {
            await UntilAsync(() => !policies.Cached.TryGet(AcmeHost.DefaultProfile, out _), "the change is forgotten");

            (AcmeOrder? none, AcmeProblem? refused) = await orders.CreateAsync(account, AcmeHost.DefaultProfile, Identifiers("after.example.com"), default);
            Assert.Null(none);
            Assert.Equal(AcmeProblemTypes.RejectedIdentifier, refused!.Type);
        }
        finally
        {
            await Sql.ExecuteAsync(database.ConnectionString,
                "UPDATE certificate_profiles SET required_san_patterns = '{}' WHERE id = $1", AcmeHost.DefaultProfile);
        }
    }

    [Fact]
    public async Task A_notification_forgets_its_row_or_all_of_them_and_a_foreign_channel_is_ignored()
    {
        await using var host = await AcmeHost.StartAsync(database.ConnectionString, output);
        var accounts = host.Services.GetRequiredService<AccountStore>();
        var policies = host.Services.GetRequiredService<AcmeProfilePolicies>();
        var listener = host.Services.GetServices<IHostedService>().OfType<AcmeNotificationListener>().Single();
        await UntilAsync(() => accounts.Cached.IsLive && policies.Cached.IsLive, "the caches go live");
        var stand = await policies.FindAsync(AcmeHost.DefaultProfile, default);
        policies.Cached.Keep("prof-a", stand!, policies.Cached.Ticket());
        policies.Cached.Keep("prof-b", stand!, policies.Cached.Ticket());

        listener.Handle("some_other_channel", "prof-a");
        Assert.True(policies.Cached.TryGet("prof-a", out _));
        listener.Handle(AcmeProfilePolicies.ChangeChannel, "prof-a");
        Assert.False(policies.Cached.TryGet("prof-a", out _));
        Assert.True(policies.Cached.TryGet("prof-b", out _));
        listener.Handle(AcmeProfilePolicies.ChangeChannel, "");
        Assert.Equal(0, policies.Cached.Count);
    }

    private static JsonElement Identifiers(string name) =>
        JsonSerializer.SerializeToElement(new { identifiers = new[] { new { type = "dns", value = name } } });

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within {Patience.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
    }
}
