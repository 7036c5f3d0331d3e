using System.Diagnostics.Metrics;
using Certctl.Acme.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Certctl.Acme.Tests.RateLimiting;

/// <summary>The GCRA limiter on a real Postgres: burst, spacing, Retry-After, isolation, switching off, and two replicas at once.</summary>
public sealed class GcraRateLimiterTests(MigratedDatabaseFixture<GcraRateLimiterTests> database)
    : IClassFixture<MigratedDatabaseFixture<GcraRateLimiterTests>>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
    private NpgsqlDataSource _dataSource = null!;

    public Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task Allows_the_burst_then_refuses_with_the_exact_wait_and_allows_again_when_it_has_passed()
    {
        // 60 an hour = one a minute, 3 at once.
        var limiter = Limiter(new AcmeRateLimitOptions { OrdersPerHour = 60, OrdersBurst = 3 });
        var subject = NewSubject();

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);
        }

        var refused = await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default);
        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromMinutes(1), refused.RetryAfter);

        _time.Advance(TimeSpan.FromSeconds(45));
        var stillRefused = await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default);
        Assert.False(stillRefused.Allowed);
        Assert.Equal(TimeSpan.FromSeconds(15), stillRefused.RetryAfter);

        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.True((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);
        Assert.False((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);
    }

    [Fact]
    public async Task A_check_spends_nothing_and_judges_as_a_spend_would()
    {
        // The failed-validations budget: 60 an hour, 2 at once. Checks come before each validation, spends after a failure.
        var limiter = Limiter(new AcmeRateLimitOptions { FailedValidationsPerHour = 60, FailedValidationsBurst = 2 });
        var subject = NewSubject();
        const AcmeRateLimit limit = AcmeRateLimit.FailedValidationsPerAccountIdentifier;

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await limiter.CheckAsync(limit, subject, default)).Allowed);
        }

        Assert.True((await limiter.TryAcquireAsync(limit, subject, default)).Allowed);
        Assert.True((await limiter.CheckAsync(limit, subject, default)).Allowed);
        Assert.True((await limiter.TryAcquireAsync(limit, subject, default)).Allowed);

        var refused = await limiter.CheckAsync(limit, subject, default);
        Assert.False(refused.Allowed);
        Assert.Equal(TimeSpan.FromMinutes(1), refused.RetryAfter);
        Assert.Equal(refused, await limiter.TryAcquireAsync(limit, subject, default));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await limiter.CheckAsync(limit, subject, default)).Allowed);
        Assert.True((await limiter.CheckAsync(limit, subject, default)).Allowed);
        Assert.True((await limiter.TryAcquireAsync(limit, subject, default)).Allowed);
        Assert.False((await limiter.CheckAsync(limit, subject, default)).Allowed);
    }

    [Fact]
    public async Task A_refusal_spends_nothing()
    {
        var limiter = Limiter(new AcmeRateLimitOptions { OrdersPerHour = 60, OrdersBurst = 1 });
        var subject = NewSubject();
        Assert.True((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);
        for (var i = 0; i < 5; i++)
        {
            Assert.False((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);
        }

        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.True((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);
    }

    [Fact]
    public async Task An_idle_key_earns_back_its_whole_burst_and_no_more()
    {
        var limiter = Limiter(new AcmeRateLimitOptions { OrdersPerHour = 60, OrdersBurst = 2 });
        var subject = NewSubject();
        Assert.True((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);

        _time.Advance(TimeSpan.FromHours(5));

        Assert.True((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);
        Assert.True((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);
        Assert.False((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);
    }

    [Fact]
    public async Task Subjects_and_limits_have_budgets_of_their_own()
    {
        var limiter = Limiter(new AcmeRateLimitOptions { OrdersPerHour = 1, OrdersBurst = 1, NewAccountsPerHour = 1, NewAccountsBurst = 1 });
        var subject = NewSubject();

        Assert.True((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);
        Assert.True((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, NewSubject(), default)).Allowed);
        Assert.True((await limiter.TryAcquireAsync(AcmeRateLimit.NewAccountsPerIp, subject, default)).Allowed);
        Assert.False((await limiter.TryAcquireAsync(AcmeRateLimit.NewOrdersPerAccount, subject, default)).Allowed);
        Assert.Equal(1, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM acme_rate_limits WHERE key = $1", PostgresGcraRateLimiter.KeyOf(AcmeRateLimit.NewOrdersPerAccount, subject)));
    }

    [Theory]
    [InlineData(false, 100)]
    [InlineData(true, 0)]
    public async Task Switched_off_it_allows_everything_and_writes_nothing(bool enabled, int perHour)
    {
        var limiter = Limiter(new AcmeRateLimitOptions { Enabled = enabled, FailedValidationsPerHour = perHour, FailedValidationsBurst = 1 });
        var subject = NewSubject();

        for (var i = 0; i < 10; i++)
        {
            Assert.True((await limiter.TryAcquireAsync(AcmeRateLimit.FailedValidationsPerAccountIdentifier, subject, default)).Allowed);
        }

        Assert.Equal(0, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM acme_rate_limits WHERE key LIKE '%' || $1", subject));
    }

    [Fact]
    public async Task Two_replicas_hammering_one_key_allow_exactly_the_burst()
    {
        const int Burst = 25;
        var options = new AcmeRateLimitOptions { NewAccountsPerHour = 1, NewAccountsBurst = Burst };
        await using var secondDataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var replicas = new[] { Limiter(options), Limiter(options, secondDataSource) };
        var subject = NewSubject();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
            await replicas[i % 2].TryAcquireAsync(AcmeRateLimit.NewAccountsPerIp, subject, default))));

        Assert.Equal(Burst, decisions.Count(d => d.Allowed));
        // One an hour: once the burst is spent, the next unit is due one hour on, and every refusal says so.
        Assert.All(decisions.Where(d => !d.Allowed), d => Assert.Equal(TimeSpan.FromHours(1), d.RetryAfter));
    }

    private PostgresGcraRateLimiter Limiter(AcmeRateLimitOptions options, NpgsqlDataSource? dataSource = null) =>
        new(dataSource ?? _dataSource, Options.Create(options), _time, new AcmeRateLimitMetrics(new Meter("Certctl.Acme.Tests")));

    private static string NewSubject() => "subject-" + Guid.NewGuid().ToString("N");
}
