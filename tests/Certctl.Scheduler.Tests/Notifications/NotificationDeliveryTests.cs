using System.Net;
using System.Text.Json;
using Certctl.Scheduler.Notifications;

namespace Certctl.Scheduler.Tests.Notifications;

/// <summary>The delivery loops against a real Postgres, a real HTTP listener and a small SMTP server on real sockets.</summary>
public sealed class NotificationDeliveryTests(MigratedDatabaseFixture<NotificationDeliveryTests> fixture)
    : IClassFixture<MigratedDatabaseFixture<NotificationDeliveryTests>>
{
    private const string Secret = "a-webhook-secret-of-some-length";

    [Fact]
    public async Task Pending_webhook_and_email_notifications_are_sent_signed_and_marked_sent()
    {
        await using var db = await QuietDatabaseAsync();
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var smtp = new FakeSmtpServer();
        await using var host = new DeliveryHost(db, DeliveryHost.Settings(webhook, smtp, Secret));
        var certificate = await db.Rows.CertificateAsync(TimeSpan.FromDays(3));
        var hook = await rows.PendingAsync("Webhook", certificateId: certificate, message: "renewed 100% fine");
        var mail = await rows.PendingAsync("Email", "owner@example.com", certificate, "renewed");

        Assert.Equal(2, await host.Pending.RunAsync(CancellationToken.None));

        var post = Assert.Single(webhook.Received);
        Assert.StartsWith("application/json", post.ContentType, StringComparison.Ordinal);
        Assert.Equal(hook, post.Header(WebhookSignature.IdHeader));
        var timestamp = long.Parse(post.Header(WebhookSignature.TimestampHeader)!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(db.Clock.GetUtcNow().ToUnixTimeSeconds(), timestamp);
        Assert.True(WebhookSignature.Verify(Secret, timestamp, post.Body, post.Header(WebhookSignature.SignatureHeader)));
        Assert.False(WebhookSignature.Verify("another-secret", timestamp, post.Body, post.Header(WebhookSignature.SignatureHeader)));
        using (var json = JsonDocument.Parse(post.Body))
        {
            Assert.Equal(hook, json.RootElement.GetProperty("id").GetString());
            Assert.Equal("RenewalSuccess", json.RootElement.GetProperty("type").GetString());
            Assert.Equal(certificate, json.RootElement.GetProperty("certificate_id").GetString());
            Assert.Equal(certificate, json.RootElement.GetProperty("certificate_name").GetString());
            Assert.Equal("renewed 100% fine", json.RootElement.GetProperty("message").GetString());
        }

        var message = Assert.Single(smtp.Received);
        Assert.Equal("certctl@example.com", message.From);
        Assert.Equal(["owner@example.com"], message.To);
        Assert.Contains($"Subject: [certctl] Certificate renewed: {certificate}", message.Data, StringComparison.Ordinal);
        Assert.Contains($"Message-Id: <{mail}@certctl>", message.Data, StringComparison.OrdinalIgnoreCase);
        foreach (var id in new[] { hook, mail })
        {
            var row = await rows.RowAsync(id);
            Assert.Equal("sent", row["status"]);
            Assert.NotNull(row["sent_at"]);
            Assert.Null(row["next_retry_at"]);
            Assert.Equal(0, row["retry_count"]);
        }

        Assert.Equal(0, await host.Pending.RunAsync(CancellationToken.None)); // nothing is sent twice
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_with_exponential_backoff_and_goes_dead_after_five_tries()
    {
        await using var db = await QuietDatabaseAsync();
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        await using var webhook = await WebhookReceiver.StartAsync();
        webhook.Answer = HttpStatusCode.ServiceUnavailable;
        await using var host = new DeliveryHost(db, DeliveryHost.Settings(webhook));
        var id = await rows.PendingAsync("Webhook");

        await host.Pending.RunAsync(CancellationToken.None);
        await AssertFailedAsync(rows, id, tries: 1, nextIn: TimeSpan.FromMinutes(1), db);
        Assert.Equal(0, await host.Retry.RunAsync(CancellationToken.None)); // not due yet
        Assert.Equal(0, await host.Pending.RunAsync(CancellationToken.None)); // no longer pending

        foreach (var (wait, tries, next) in new[] { (1, 2, 2), (2, 3, 4), (4, 4, 8) })
        {
            db.Clock.Advance(TimeSpan.FromMinutes(wait) - TimeSpan.FromSeconds(1));
            Assert.Equal(0, await host.Retry.RunAsync(CancellationToken.None));
            db.Clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(1, await host.Retry.RunAsync(CancellationToken.None));
            await AssertFailedAsync(rows, id, tries, TimeSpan.FromMinutes(next), db);
        }

        db.Clock.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal(1, await host.Retry.RunAsync(CancellationToken.None));

        var dead = await rows.RowAsync(id);
        Assert.Equal("dead", dead["status"]);
        Assert.Equal(5, dead["retry_count"]);
        Assert.Null(dead["next_retry_at"]);
        Assert.Contains("503", (string)dead["last_error"]!, StringComparison.Ordinal);
        Assert.Equal(5, webhook.Received.Count);
        db.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(0, await host.Retry.RunAsync(CancellationToken.None));
        Assert.Equal(5, webhook.Received.Count);
    }

    [Fact]
    public async Task A_webhook_that_recovers_gets_the_notification_on_the_retry()
    {
        await using var db = await QuietDatabaseAsync();
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        await using var webhook = await WebhookReceiver.StartAsync();
        webhook.Answer = HttpStatusCode.InternalServerError;
        await using var host = new DeliveryHost(db, DeliveryHost.Settings(webhook));
        var id = await rows.PendingAsync("Webhook");

        await host.Pending.RunAsync(CancellationToken.None);
        webhook.Answer = HttpStatusCode.OK;
        db.Clock.Advance(TimeSpan.FromMinutes(1));
        await host.Retry.RunAsync(CancellationToken.None);

        var row = await rows.RowAsync(id);
        Assert.Equal("sent", row["status"]);
        Assert.Equal(1, row["retry_count"]);
        Assert.Null(row["next_retry_at"]);
        Assert.Equal(2, webhook.Received.Count);
    }

    [Fact]
    public async Task Email_refused_for_good_goes_dead_at_once_refused_for_now_is_retried_and_the_rest_of_the_batch_is_sent()
    {
        await using var db = await QuietDatabaseAsync();
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        await using var smtp = new FakeSmtpServer();
        smtp.RefusedForGood["nobody@example.com"] = true;
        smtp.RefusedForNow["busy@example.com"] = true;
        await using var host = new DeliveryHost(db, DeliveryHost.Settings(smtp: smtp));
        var gone = await rows.PendingAsync("Email", "nobody@example.com");
        var busy = await rows.PendingAsync("Email", "busy@example.com");
        var fine = await rows.PendingAsync("Email", "owner@example.com");
        var garbage = await rows.PendingAsync("Email", "not an address");

        await host.Pending.RunAsync(CancellationToken.None);

        Assert.Equal(("dead", 1), await StatusAsync(rows, gone));
        Assert.Contains("550", (string)(await rows.RowAsync(gone))["last_error"]!, StringComparison.Ordinal);
        Assert.Equal(("failed", 1), await StatusAsync(rows, busy));
        Assert.Equal(("sent", 0), await StatusAsync(rows, fine));
        Assert.Equal(("dead", 1), await StatusAsync(rows, garbage));
        Assert.Equal(["owner@example.com"], Assert.Single(smtp.Received).To);
        Assert.Equal(1, smtp.Connections); // one connection for the batch
    }

    [Fact]
    public async Task An_unreachable_smtp_server_fails_every_email_of_the_batch_for_a_retry()
    {
        await using var db = await QuietDatabaseAsync();
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        int closedPort;
        await using (var closed = new FakeSmtpServer())
        {
            closedPort = closed.Port;
        }

        var settings = DeliveryHost.Settings();
        settings["CERTCTL_SMTP_HOST"] = "127.0.0.1";
        settings["CERTCTL_SMTP_PORT"] = closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var host = new DeliveryHost(db, settings);
        var first = await rows.PendingAsync("Email", "a@example.com");
        var second = await rows.PendingAsync("Email", "b@example.com");

        await host.Pending.RunAsync(CancellationToken.None);

        foreach (var id in new[] { first, second })
        {
            var row = await rows.RowAsync(id);
            Assert.Equal("failed", row["status"]);
            Assert.Contains("SMTP server 127.0.0.1", (string)row["last_error"]!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_tls_required_a_server_without_starttls_gets_nothing_in_plain_text()
    {
        await using var db = await QuietDatabaseAsync();
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        await using var smtp = new FakeSmtpServer(); // offers no STARTTLS
        var settings = DeliveryHost.Settings(smtp: smtp);
        settings["CERTCTL_SMTP_USE_TLS"] = "true";
        await using var host = new DeliveryHost(db, settings);
        var id = await rows.PendingAsync("Email", "owner@example.com");

        await host.Pending.RunAsync(CancellationToken.None);

        var row = await rows.RowAsync(id);
        Assert.Equal("failed", row["status"]);
        Assert.Contains("STARTTLS", (string)row["last_error"]!, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public async Task A_channel_without_a_sender_fails_instead_of_being_marked_sent()
    {
        await using var db = await QuietDatabaseAsync();
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        await using var host = new DeliveryHost(db, DeliveryHost.Settings());
        var slack = await rows.PendingAsync("Slack");
        var webhook = await rows.PendingAsync("Webhook"); // webhook not configured in this host

        await host.Pending.RunAsync(CancellationToken.None);

        Assert.Equal("no Slack notifier is configured", (await rows.RowAsync(slack))["last_error"]);
        Assert.Equal("failed", (await rows.RowAsync(slack))["status"]);
        Assert.Equal("no Webhook notifier is configured", (await rows.RowAsync(webhook))["last_error"]);
    }

    [Fact]
    public async Task When_the_run_times_out_requests_in_flight_count_as_a_try_and_rows_not_started_are_released_untried()
    {
        await using var db = await QuietDatabaseAsync();
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        await using var webhook = await WebhookReceiver.StartAsync();
        webhook.Delay = TimeSpan.FromSeconds(3);
        await using var host = new DeliveryHost(db, DeliveryHost.Settings(webhook));
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            ids.Add(await rows.PendingAsync("Webhook"));
        }

        using var timeout = new CancellationTokenSource();
        var run = host.Pending.RunAsync(timeout.Token);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (webhook.Received.Count < 8)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first eight requests did not arrive");
            await Task.Delay(10);
        }

        await timeout.CancelAsync(); // the run's timeout, while eight requests wait for their answer
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);

        var outcomes = new List<(string Status, int Tries, object? Next)>();
        foreach (var id in ids)
        {
            var row = await rows.RowAsync(id);
            outcomes.Add(((string)row["status"]!, (int)row["retry_count"]!, row["next_retry_at"]));
        }

        // Eight requests in flight (the webhook's parallelism) were cut off: a failed try each; the other four were never started.
        Assert.Equal(8, outcomes.Count(o => o is { Status: "failed", Tries: 1 }));
        Assert.Equal(4, outcomes.Count(o => o is { Status: "pending", Tries: 0, Next: null }));
        webhook.Delay = TimeSpan.Zero;
        Assert.Equal(4, await host.Pending.RunAsync(CancellationToken.None)); // released rows go out on the next run, not after their claim
    }

    [Fact]
    public async Task Deliveries_on_several_replicas_at_once_send_each_notification_once()
    {
        await using var db = await QuietDatabaseAsync();
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        await using var webhook = await WebhookReceiver.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 60; i++)
        {
            ids.Add(await rows.PendingAsync("Webhook"));
        }

        var hosts = Enumerable.Range(0, 3).Select(_ => new DeliveryHost(db, DeliveryHost.Settings(webhook, batch: 7))).ToList();
        try
        {
            var handled = await Task.WhenAll(hosts.Select(host => Task.Run(() => host.Pending.RunAsync(CancellationToken.None))));
            Assert.Equal(60, handled.Sum());
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }

        var delivered = webhook.Received.Select(post => post.Header(WebhookSignature.IdHeader)).ToList();
        Assert.Equal(60, delivered.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));
        Assert.Equal(60L, await Sql.ScalarAsync<long>(fixture.ConnectionString,
            "SELECT count(*) FROM notification_events WHERE id = ANY($1) AND status = 'sent'", new object[] { ids.ToArray() }));
    }

    [Fact]
    public async Task A_row_claimed_by_a_replica_that_died_is_sent_again_once_its_lease_ends()
    {
        await using var db = await QuietDatabaseAsync();
        var rows = new NotificationRows(fixture.ConnectionString, db.Clock.GetUtcNow());
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var host = new DeliveryHost(db, DeliveryHost.Settings(webhook));
        var id = await rows.PendingAsync("Webhook");
        Assert.Single(await host.Queue.ClaimAsync(NotificationBacklog.Pending, 10, CancellationToken.None)); // claimed, then the replica died

        Assert.Equal(0, await host.Pending.RunAsync(CancellationToken.None));
        db.Clock.Advance(NotificationRetryPolicy.ClaimLease);
        Assert.Equal(1, await host.Pending.RunAsync(CancellationToken.None));

        Assert.Equal("sent", (await rows.RowAsync(id))["status"]);
        Assert.Single(webhook.Received);
    }

    /// <summary>A database whose earlier rows (other tests') can no longer be claimed, so each test sees only its own.</summary>
    private async Task<Database> QuietDatabaseAsync()
    {
        await Sql.ExecuteAsync(fixture.ConnectionString, "UPDATE notification_events SET status = 'dead', next_retry_at = NULL WHERE status IN ('pending', 'failed')");
        return new Database(fixture.ConnectionString);
    }

    private static async Task<(string, int)> StatusAsync(NotificationRows rows, string id)
    {
        var row = await rows.RowAsync(id);
        return ((string)row["status"]!, (int)row["retry_count"]!);
    }

    private static async Task AssertFailedAsync(NotificationRows rows, string id, int tries, TimeSpan nextIn, Database db)
    {
        var row = await rows.RowAsync(id);
        Assert.Equal("failed", row["status"]);
        Assert.Equal(tries, row["retry_count"]);
        Assert.Equal(db.Clock.GetUtcNow() + nextIn, ((DateTime)row["next_retry_at"]!).ToUniversalTime(), TimeSpan.FromMilliseconds(1));
    }
}
