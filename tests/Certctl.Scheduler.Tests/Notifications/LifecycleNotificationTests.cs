using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Scheduler.Notifications;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Certctl.Scheduler.Tests.Notifications;

/// <summary>The lifecycle notice consumer (with its definition) on MassTransit's in-memory harness, writing to a real Postgres.</summary>
public sealed class LifecycleNotificationTests(MigratedDatabaseFixture<LifecycleNotificationTests> fixture)
    : IClassFixture<MigratedDatabaseFixture<LifecycleNotificationTests>>
{
    [Fact]
    public async Task A_certificate_issued_event_delivered_twice_writes_one_renewal_success_per_channel()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var certificate = await db.Rows.CertificateAsync(TimeSpan.FromDays(90));
        await rows.SetOwnerAsync(certificate, await rows.OwnerAsync("owner@example.com"));
        await using var bus = await HarnessAsync(db);
        var issued = new CertificateIssued("job-x1", certificate, "cv-x1", "1f2e", db.Clock.GetUtcNow(), db.Clock.GetUtcNow().AddDays(90), db.Clock.GetUtcNow());

        await bus.Harness.Bus.Publish(issued);
        await bus.Harness.Bus.Publish(issued); // a redelivery
        await bus.ConsumedAsync<CertificateIssued>(2);

        var notices = await rows.ForCertificateAsync(certificate);
        Assert.Equal(["Email", "Webhook"], notices.Select(row => (string)row["channel"]!));
        Assert.All(notices, row => Assert.Equal("RenewalSuccess", row["type"]));
        Assert.All(notices, row => Assert.Equal("pending", row["status"]));
        Assert.All(notices, row => Assert.Equal("issued:job-x1", row["event_key"]));
        Assert.Equal("owner@example.com", notices[0]["recipient"]);
        Assert.Contains($"Certificate {certificate} ({certificate}.example.com) has a new version: serial 1f2e", (string)notices[0]["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_an_issuance_failure_that_gave_up_writes_a_renewal_failure()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var certificate = await db.Rows.CertificateAsync(TimeSpan.FromDays(5));
        await rows.SetOwnerAsync(certificate, await rows.OwnerAsync("owner@example.com"));
        await using var bus = await HarnessAsync(db);

        await bus.Harness.Bus.Publish(new IssuanceFailed("job-f1", certificate, "CA unavailable", Retryable: true, db.Clock.GetUtcNow()));
        await bus.ConsumedAsync<IssuanceFailed>(1);
        Assert.Empty(await rows.ForCertificateAsync(certificate));

        var gaveUp = new IssuanceFailed("job-f1", certificate, "CA refused: 100% bad CSR", Retryable: false, db.Clock.GetUtcNow());
        await bus.Harness.Bus.Publish(gaveUp);
        await bus.Harness.Bus.Publish(gaveUp);
        await bus.ConsumedAsync<IssuanceFailed>(3);

        var notices = await rows.ForCertificateAsync(certificate);
        Assert.Equal(2, notices.Count);
        Assert.All(notices, row => Assert.Equal("RenewalFailure", row["type"]));
        Assert.Contains("CA refused: 100% bad CSR", (string)notices[0]["message"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revocation_writes_one_revocation_notice_per_channel()
    {
        await using var db = new Database(fixture.ConnectionString);
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        var certificate = await db.Rows.CertificateAsync(TimeSpan.FromDays(30));
        await using var bus = await HarnessAsync(db, fallbackEmail: "pki@example.com");
        var revoked = new CertificateRevoked(certificate, Rows.Issuer, "abc123", RevocationReason.KeyCompromise, IssuerNotified: true, db.Clock.GetUtcNow());

        await bus.Harness.Bus.Publish(revoked);
        await bus.Harness.Bus.Publish(revoked);
        await bus.ConsumedAsync<CertificateRevoked>(2);

        var notices = await rows.ForCertificateAsync(certificate);
        Assert.Equal(["Email", "Webhook"], notices.Select(row => (string)row["channel"]!));
        Assert.All(notices, row => Assert.Equal("Revocation", row["type"]));
        Assert.Equal("pki@example.com", notices[0]["recipient"]); // no owner: the fallback address
        Assert.Contains("revoked (reason keyCompromise, serial abc123)", (string)notices[0]["message"]!, StringComparison.Ordinal);
    }

    private static async Task<HarnessBus> HarnessAsync(Database db, string? fallbackEmail = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CERTCTL_SMTP_HOST"] = "smtp.example.com",
            ["CERTCTL_SMTP_FROM_ADDRESS"] = "certctl@example.com",
            ["CERTCTL_WEBHOOK_URL"] = "https://hooks.example.com/certctl",
            ["CERTCTL_NOTIFICATION_FALLBACK_EMAIL"] = fallbackEmail,
        }.Where(setting => setting.Value is not null)).Build();
        var provider = new ServiceCollection()
            .AddSingleton<NpgsqlDataSource>(db.DataSource)
            .AddSingleton<TimeProvider>(db.Clock)
            .AddNotifications(configuration)
            .AddMassTransitTestHarness(bus => bus.AddConsumer<LifecycleNotificationConsumer, LifecycleNotificationConsumerDefinition>())
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        return new HarnessBus(provider, harness);
    }

    private sealed class HarnessBus(ServiceProvider provider, ITestHarness harness) : IAsyncDisposable
    {
        public ITestHarness Harness => harness;

        /// <summary>Waits until the consumer has finished <paramref name="count"/> messages of the type in all.</summary>
        public async Task ConsumedAsync<T>(int count) where T : class
        {
            var consumer = harness.GetConsumerHarness<LifecycleNotificationConsumer>();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (consumer.Consumed.Select<T>().Count() < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"{typeof(T).Name}: fewer than {count} consumed in 30 s");
                await Task.Delay(20);
            }

            Assert.False(consumer.Consumed.Select<T>().Any(message => message.Exception is not null), "a message faulted");
        }

        public ValueTask DisposeAsync() => provider.DisposeAsync();
    }
}
