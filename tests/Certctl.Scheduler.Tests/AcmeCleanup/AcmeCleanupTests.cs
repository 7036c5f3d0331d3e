using Microsoft.Extensions.Logging.Abstractions;
using AcmeGc = Certctl.Scheduler.AcmeCleanup.AcmeCleanup;

namespace Certctl.Scheduler.Tests.AcmeCleanup;

/// <summary>The ACME clean-up loop against a real Postgres: RFC 8555 status rules, nonce and rate-limit pruning, bounded batches.</summary>
public sealed class AcmeCleanupTests(MigratedDatabaseFixture<AcmeCleanupTests> fixture) : IClassFixture<MigratedDatabaseFixture<AcmeCleanupTests>>
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task Expired_authorizations_expire_and_expired_unfinished_orders_become_invalid()
    {
        await using var db = new Database(fixture.ConnectionString);
        var acme = new AcmeRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var account = await acme.AccountAsync();
        var pendingOrder = await acme.OrderAsync(account, "pending", -Hour);
        var readyOrder = await acme.OrderAsync(account, "ready", -Hour);
        var processingOrder = await acme.OrderAsync(account, "processing", -Hour);
        var validOrder = await acme.OrderAsync(account, "valid", -Hour);
        var liveOrder = await acme.OrderAsync(account, "pending", Hour);
        var pendingAuthz = await acme.AuthorizationAsync(pendingOrder, account, "pending", -Hour);
        var validAuthz = await acme.AuthorizationAsync(validOrder, account, "valid", -Hour);
        var invalidAuthz = await acme.AuthorizationAsync(readyOrder, account, "invalid", -Hour);
        var liveAuthz = await acme.AuthorizationAsync(liveOrder, account, "pending", Hour);

        await Cleanup(db).RunAsync(CancellationToken.None);

        Assert.Equal("invalid", await acme.StatusAsync("acme_orders", pendingOrder));
        Assert.Equal("invalid", await acme.StatusAsync("acme_orders", readyOrder));
        Assert.Equal("processing", await acme.StatusAsync("acme_orders", processingOrder)); // issuance in flight decides it
        Assert.Equal("valid", await acme.StatusAsync("acme_orders", validOrder));
        Assert.Equal("pending", await acme.StatusAsync("acme_orders", liveOrder));
        Assert.Equal("urn:ietf:params:acme:error:serverInternal", await Sql.ScalarAsync<string>(fixture.ConnectionString,
            "SELECT error ->> 'type' FROM acme_orders WHERE id = $1", pendingOrder));
        Assert.Equal("expired", await acme.StatusAsync("acme_authorizations", pendingAuthz));
        Assert.Equal("expired", await acme.StatusAsync("acme_authorizations", validAuthz));
        Assert.Equal("invalid", await acme.StatusAsync("acme_authorizations", invalidAuthz));
        Assert.Equal("pending", await acme.StatusAsync("acme_authorizations", liveAuthz));
    }

    [Fact]
    public async Task Redeemed_nonces_and_rate_limit_rows_past_their_horizon_are_deleted_in_bounded_batches()
    {
        await using var db = new Database(fixture.ConnectionString);
        var acme = new AcmeRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var live = await acme.NonceAsync(TimeSpan.FromMinutes(5));
        var liveLimit = await acme.RateLimitAsync(TimeSpan.FromSeconds(30));
        var spentLimit = await acme.RateLimitAsync(-TimeSpan.FromSeconds(1));
        // More expired nonces than one batch, so the statement has to repeat.
        await Sql.ExecuteAsync(fixture.ConnectionString,
            "INSERT INTO acme_redeemed_nonces (nonce_id, expires_at) SELECT gen_random_uuid()::text::bytea, $1 FROM generate_series(1, $2)",
            db.Clock.GetUtcNow() - TimeSpan.FromMinutes(1), AcmeGc.BatchSize + 234);

        var changed = await Cleanup(db).RunAsync(CancellationToken.None);

        Assert.True(changed >= AcmeGc.BatchSize + 235, $"{changed} rows cleaned");
        Assert.Equal(1L, await Sql.ScalarAsync<long>(fixture.ConnectionString, "SELECT count(*) FROM acme_redeemed_nonces"));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(fixture.ConnectionString, "SELECT count(*) FROM acme_redeemed_nonces WHERE nonce_id = $1", live));
        Assert.Equal(1L, await Sql.ScalarAsync<long>(fixture.ConnectionString, "SELECT count(*) FROM acme_rate_limits WHERE key = $1", liveLimit));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(fixture.ConnectionString, "SELECT count(*) FROM acme_rate_limits WHERE key = $1", spentLimit));
        Assert.Equal(0, await Cleanup(db).RunAsync(CancellationToken.None));
    }

    private static AcmeGc Cleanup(Database db) => new(db.DataSource, db.Clock, NullLogger<AcmeGc>.Instance);
}
