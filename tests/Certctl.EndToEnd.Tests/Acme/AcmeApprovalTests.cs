using Certctl.Client;
using Certctl.Client.Models;
using Certctl.Testing;
using Xunit.Abstractions;

namespace Certctl.EndToEnd.Tests.Acme;

/// <summary>
/// ACME behind a profile that requires approval, through the real suite: lego finalizes through the gateway, the order waits while
/// the job is AwaitingApproval, an operator approves it with the operator API, the scheduler dispatches it and the CA connector
/// issues; a rejected order ends invalid with the operator's reason, and lego fails.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class AcmeApprovalTests(SuiteFixture suite, ITestOutputHelper output)
{
    private static readonly TimeSpan DecisionTimeout = TimeSpan.FromSeconds(90);

    private string GatewayAddress => $"http://127.0.0.1:{suite.GatewayPort}";

    private ICertctlApi Client => CertctlClient.Create(new Uri(GatewayAddress), suite.ApiKey);

    [Fact]
    public async Task Lego_gets_its_certificate_once_an_operator_approves_and_fails_when_one_rejects()
    {
        using var startup = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        foreach (var resource in new[] { "gateway", "acme", "scheduler", "ca-connector" })
        {
            await suite.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
        }

        var profile = $"prof-e2e-gated-{Guid.NewGuid():N}"[..28];
        await Sql.ExecuteAsync(suite.DatabaseConnectionString, "INSERT INTO certificate_profiles (id, name, requires_approval) VALUES ($1, $1, TRUE)", profile);
        await WaitForDirectoryAsync(profile);
        using var files = new ScratchFiles();

        var approved = Lego(profile, files, "approved.example.test");
        var approvedJob = await AwaitingApprovalJobAsync(profile, "approved.example.test");
        Assert.Equal("AwaitingApproval", (await Client.GetJobAsync(approvedJob)).Status);
        Assert.Equal("Pending", (await Client.ApproveJobAsync(approvedJob, new JobApproveRequest("e2e"))).JobStatus);
        var (approvedExit, approvedText) = await approved;
        Assert.True(approvedExit == 0, $"lego exited {approvedExit}: {approvedText}");
        var certificate = await LegoCli.VerifiedCertificateAsync(files, "approved.example.test");
        Assert.Equal(["approved.example.test"], LegoCli.DnsNames(certificate));
        Assert.Equal("Completed", (await Client.GetJobAsync(approvedJob)).Status);

        var rejected = Lego(profile, files, "rejected.example.test");
        var rejectedJob = await AwaitingApprovalJobAsync(profile, "rejected.example.test");
        Assert.Equal("Cancelled", (await Client.RejectJobAsync(rejectedJob, new JobRejectRequest("not our domain"))).JobStatus);
        var (rejectedExit, rejectedText) = await rejected;
        Assert.NotEqual(0, rejectedExit);
        Assert.Contains("not our domain", rejectedText);
        Assert.Equal("invalid urn:ietf:params:acme:error:unauthorized An operator rejected the issuance: not our domain",
            await Sql.ScalarAsync<string>(suite.DatabaseConnectionString,
                "SELECT status || ' ' || (error->>'type') || ' ' || (error->>'detail') FROM acme_orders WHERE job_id = $1", rejectedJob));
    }

    // lego polls a processing order for --cert.timeout (30 s by default): longer here, since it waits for an operator.
    private Task<(int ExitCode, string Output)> Lego(string profile, ScratchFiles files, string domain) => LegoCli.TryRunAsync(output,
        "--server", $"{GatewayAddress}/acme/profile/{profile}/directory", "--email", "ops@example.test", "--accept-tos", "--path", files.Folder,
        "--domains", domain, "--http", "--http.port", $"127.0.0.1:{FreePort.Next()}", "--cert.timeout", "100", "run");

    // The ACME service learns of a new profile on its next profile-list reload (at most one a second).
    private async Task WaitForDirectoryAsync(string profile)
    {
        var deadline = DateTimeOffset.UtcNow + DecisionTimeout;
        while (true)
        {
            using var directory = await suite.Gateway.GetAsync($"/acme/profile/{profile}/directory");
            if (directory.IsSuccessStatusCode)
            {
                return;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"The ACME directory of {profile} did not appear.");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>The job of the profile's order for <paramref name="domain"/>, once finalize has parked it awaiting approval.</summary>
    private async Task<string> AwaitingApprovalJobAsync(string profile, string domain)
    {
        var deadline = DateTimeOffset.UtcNow + DecisionTimeout;
        while (true)
        {
            var job = await Sql.ScalarAsync<string>(suite.DatabaseConnectionString, """
                SELECT j.id FROM acme_orders o JOIN jobs j ON j.id = o.job_id
                WHERE o.profile_id = $1 AND o.identifiers @> jsonb_build_array(jsonb_build_object('value', $2::text)) AND j.status = 'AwaitingApproval'
                """, profile, domain);
            if (job is not null)
            {
                return job;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"No ACME job for {domain} awaited approval within {DecisionTimeout}.");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
