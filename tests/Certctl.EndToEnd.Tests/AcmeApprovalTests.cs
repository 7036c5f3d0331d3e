using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Certctl.Client;
using Certctl.Client.Models;
using Npgsql;
using Xunit.Abstractions;

namespace Certctl.EndToEnd.Tests;

/// <summary>
/// ACME behind a profile that requires approval, through the real suite: lego finalizes through the gateway, the order waits while
/// the job is AwaitingApproval, an operator approves it with the operator API, the scheduler dispatches it and the CA connector
/// issues; a rejected order ends invalid with the operator's reason, and lego fails.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class AcmeApprovalTests(SuiteFixture suite, ITestOutputHelper output)
{
    private static readonly TimeSpan DecisionTimeout = TimeSpan.FromSeconds(90);

    private ICertctlApi Client => CertctlClient.Create(new Uri($"http://localhost:{suite.GatewayPort}"), suite.ApiKey);

    [Fact]
    public async Task Lego_gets_its_certificate_once_an_operator_approves_and_fails_when_one_rejects()
    {
        using var startup = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        foreach (var resource in new[] { "gateway", "acme", "scheduler", "ca-connector" })
        {
            await suite.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
        }

        var profile = $"prof-e2e-gated-{Guid.NewGuid():N}"[..28];
        await ExecuteAsync("INSERT INTO certificate_profiles (id, name, requires_approval) VALUES (@id, @id, TRUE)", profile);
        // The ACME service learns of a new profile on its next profile-list reload (at most one a second).
        var deadline = DateTimeOffset.UtcNow + DecisionTimeout;
        while (true)
        {
            using var directory = await suite.Gateway.GetAsync($"/acme/profile/{profile}/directory");
            if (directory.IsSuccessStatusCode)
            {
                break;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"The ACME directory of {profile} did not appear.");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        var folder = Directory.CreateTempSubdirectory("certctl-lego-").FullName;
        try
        {
            var approved = RunLegoAsync(profile, folder, "approved.example.test");
            var approvedJob = await AwaitingApprovalJobAsync(profile, "approved.example.test");
            Assert.Equal("AwaitingApproval", (await Client.GetJobAsync(approvedJob)).Status);
            Assert.Equal("Pending", (await Client.ApproveJobAsync(approvedJob, new JobApproveRequest("e2e"))).JobStatus);
            var (approvedExit, approvedText) = await approved;
            Assert.True(approvedExit == 0, $"lego exited {approvedExit}: {approvedText}");
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(Path.Combine(folder, "certificates", "approved.example.test.crt"));
            Assert.Equal(["approved.example.test"], bundle[0].Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
            Assert.Equal("Completed", (await Client.GetJobAsync(approvedJob)).Status);

            var rejected = RunLegoAsync(profile, folder, "rejected.example.test");
            var rejectedJob = await AwaitingApprovalJobAsync(profile, "rejected.example.test");
            Assert.Equal("Cancelled", (await Client.RejectJobAsync(rejectedJob, new JobRejectRequest("not our domain"))).JobStatus);
            var (rejectedExit, rejectedText) = await rejected;
            Assert.NotEqual(0, rejectedExit);
            Assert.Contains("not our domain", rejectedText);
            var error = await ScalarAsync(
                "SELECT status || ' ' || (error->>'type') || ' ' || (error->>'detail') FROM acme_orders WHERE job_id = @id", rejectedJob);
            Assert.Equal("invalid urn:ietf:params:acme:error:unauthorized An operator rejected the issuance: not our domain", error);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<(int ExitCode, string Output)> RunLegoAsync(string profile, string folder, string domain)
    {
        var start = new ProcessStartInfo("lego") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "--server", $"http://localhost:{suite.GatewayPort}/acme/profile/{profile}/directory", "--email", "ops@example.test", "--accept-tos",
            "--path", folder, "--domains", domain, "--http", "--http.port", $"127.0.0.1:{SuiteFixture.FreePort()}", "--cert.timeout", "120", "run",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("lego did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await process.WaitForExitAsync(timeout.Token);
        var text = await stdout + await stderr;
        output.WriteLine($"lego {domain}:{Environment.NewLine}{text}");
        return (process.ExitCode, text);
    }

    /// <summary>The job of the profile's order for <paramref name="domain"/>, once finalize has parked it awaiting approval.</summary>
    private async Task<string> AwaitingApprovalJobAsync(string profile, string domain)
    {
        var deadline = DateTimeOffset.UtcNow + DecisionTimeout;
        while (true)
        {
            var job = await ScalarAsync("""
                SELECT j.id FROM acme_orders o JOIN jobs j ON j.id = o.job_id
                WHERE o.profile_id = @id AND o.identifiers @> jsonb_build_array(jsonb_build_object('value', @domain::text)) AND j.status = 'AwaitingApproval'
                """, profile, domain);
            if (job is not null)
            {
                return job;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"No ACME job for {domain} awaited approval within {DecisionTimeout}.");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    private async Task ExecuteAsync(string sql, string id)
    {
        await using var connection = new NpgsqlConnection(suite.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string?> ScalarAsync(string sql, string id, string? domain = null)
    {
        await using var connection = new NpgsqlConnection(suite.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("id", id);
        if (domain is not null)
        {
            command.Parameters.AddWithValue("domain", domain);
        }

        return await command.ExecuteScalarAsync() as string;
    }
}
