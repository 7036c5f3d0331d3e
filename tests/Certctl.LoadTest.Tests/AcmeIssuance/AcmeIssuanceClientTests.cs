using Certctl.LoadTest.AcmeIssuance;

namespace Certctl.LoadTest.Tests.AcmeIssuance;

public sealed class AcmeIssuanceClientTests
{
    private static readonly AcmeIssuanceOptions Options = AcmeIssuanceOptions.Parse(["--poll-cap", "1ms"]);

    [Fact]
    public async Task A_client_registers_once_then_issues_certificates_through_the_whole_signed_flow()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = new FakeAcmeServer { OnCertificate = count => { if (count == 3) stop.Cancel(); } };
        using var http = new HttpClient(server);
        var directory = AcmeDirectory.Parse(FakeAcmeServer.Directory, Options.BaseUrl);
        var tally = new AcmeIssuanceTally();

        await new AcmeIssuanceClient(http, directory, Options, tally, TimeProvider.System).RunAsync(stop.Token);

        Assert.Empty(server.Faults);
        Assert.Equal(3, server.Certificates);
        Assert.Equal(3, tally.Certificates);
        Assert.Equal(1, tally.Accounts);
        Assert.Equal(1, tally.BadNonceRetries);
        Assert.Equal(0, tally.ErrorTotal);
        Assert.Equal(6, server.Polls); // two polls per order: Retry-After says 1 s, the 1 ms cap wins
        var steps = tally.StepLatency();
        Assert.Equal(1, steps[AcmeIssuanceTally.NewNonce].Count);
        Assert.Equal(1, steps[AcmeIssuanceTally.NewAccount].Count);
        Assert.Equal(4, steps[AcmeIssuanceTally.NewOrder].Count); // the badNonce answer and three orders
        Assert.Equal(3, steps[AcmeIssuanceTally.Finalize].Count);
        Assert.Equal(3, steps[AcmeIssuanceTally.Certificate].Count);
        Assert.Equal(3, tally.IssuanceLatency().Count);
    }

    [Fact]
    public async Task An_order_that_never_turns_valid_is_counted_as_a_poll_timeout()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = new FakeAcmeServer { PollsBeforeValid = int.MaxValue };
        using var http = new HttpClient(server);
        var options = Options with { OrderTimeout = TimeSpan.FromMilliseconds(100) };
        var tally = new AcmeIssuanceTally();
        var client = new AcmeIssuanceClient(http, AcmeDirectory.Parse(FakeAcmeServer.Directory, options.BaseUrl), options, tally, TimeProvider.System);

        var run = client.RunAsync(stop.Token);
        while (tally.ErrorTotal == 0 && !run.IsCompleted)
        {
            await Task.Delay(10);
        }

        await stop.CancelAsync();
        await run;

        Assert.Empty(server.Faults);
        Assert.Equal(0, tally.Certificates);
        Assert.Equal("poll_order.timeout", Assert.Single(tally.ErrorsByKind).Key);
    }

    [Fact]
    public void The_report_judges_certs_per_s_and_step_rules_and_needs_a_certificate_to_pass()
    {
        var tally = new AcmeIssuanceTally();
        for (var i = 0; i < 200; i++)
        {
            tally.Answered(AcmeIssuanceTally.Finalize, 200, System.Diagnostics.Stopwatch.Frequency / 100); // 10 ms
            tally.Issued(System.Diagnostics.Stopwatch.Frequency / 10);
        }

        tally.Failed(AcmeIssuanceTally.NewOrder, "rateLimited");
        var options = AcmeIssuanceOptions.Parse(["--threshold", "certs_per_s>=100", "--threshold", "finalize.p95<5ms"]);
        var now = DateTimeOffset.UnixEpoch;

        var report = AcmeIssuanceReport.From(tally, options, now, now, TimeSpan.FromSeconds(1), interrupted: false);

        Assert.Equal(200, report.CertsPerS);
        Assert.Equal(1, report.Errors.ByKind["new_order.rateLimited"]);
        Assert.Equal([true, true, false], report.Thresholds.Select(t => t.Passed)); // errors 0.5% < 1%, 200 >= 100, 10 ms !< 5 ms
        Assert.False(report.Passed);
        Assert.Contains("\"certs_per_s\": 200", report.ToJson(), StringComparison.Ordinal);
        Assert.False(AcmeIssuanceReport.From(new AcmeIssuanceTally(), AcmeIssuanceOptions.Parse([]), now, now, TimeSpan.FromSeconds(1), false).Passed);
    }
}
