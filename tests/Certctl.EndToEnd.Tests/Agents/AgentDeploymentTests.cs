using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Certctl.Client;
using Certctl.Client.Models;
using Npgsql;
using Xunit.Abstractions;

namespace Certctl.EndToEnd.Tests.Agents;

/// <summary>
/// The real agent process against the real suite, through the gateway: a certificate in agent key mode is issued and renewed from
/// CSRs made on the "host", signed by the local CA, deployed to a PEM folder and verified over TLS; an identical redeploy is skipped;
/// a failing reload puts the previous files back.
/// </summary>
[Collection(SuiteCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentDeploymentTests(SuiteFixture suite, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private ICertctlApi Client => CertctlClient.Create(new Uri($"http://localhost:{suite.GatewayPort}"), suite.ApiKey);

    [Fact]
    public async Task A_renewal_in_agent_key_mode_is_signed_deployed_verified_and_an_identical_redeploy_is_skipped()
    {
        await WaitHealthyAsync();
        await using var agent = AgentProcess.Start(suite, "e2e-deploy");
        var (agentId, _) = await agent.WaitForRegistrationAsync(Timeout);
        var folder = Path.Combine(agent.Folder, "deploy");
        Directory.CreateDirectory(folder);
        await using var site = new DeployedTlsSite(folder);
        var target = await Client.CreateTargetAsync(new DeploymentTargetRequest($"{agent.Name}-pem", "PEMFolder", agentId,
            new JsonObject { ["directory"] = folder, ["host"] = "localhost", ["port"] = site.Port }));
        Assert.Equal("PEMFolder", target.Type);
        var certificate = await Client.CreateCertificateAsync(
            new CertificateCreateRequest(agent.Name, $"{agent.Name}.example.test", "o-alice", "t-platform", "iss-local", "rp-standard")
            {
                TargetIds = [target.Id],
            });
        Assert.Equal("agent", certificate.KeygenMode);

        // First issuance, then the renewal this test is about: each goes AwaitingCSR -> CSR from the agent -> signed -> deployed.
        var issuance = await Client.RenewCertificateAsync(certificate.Id);
        Assert.Equal(("Issuance", "AwaitingCSR"), (issuance.JobType, issuance.JobStatus));
        Assert.Equal("Completed", (await WaitForEndAsync(issuance.JobId, agent)).Status);
        var firstDeployment = await WaitForDeploymentAsync(certificate.Id, [], agent);
        Assert.Equal("Completed", firstDeployment.Status);

        var renewal = await Client.RenewCertificateAsync(certificate.Id);
        Assert.Equal(("Renewal", "AwaitingCSR"), (renewal.JobType, renewal.JobStatus));
        var renewed = await WaitForEndAsync(renewal.JobId, agent);
        Assert.True(renewed.Status == "Completed", $"renewal {renewed.Status}: {renewed.LastError}");
        var deployment = await WaitForDeploymentAsync(certificate.Id, [firstDeployment.Id], agent);

        // Status reported, verification stored.
        Assert.True(deployment.Status == "Completed", $"deployment {deployment.Status}: {deployment.LastError}{Environment.NewLine}{agent.Output}");
        Assert.Equal((agentId, target.Id), (deployment.AgentId, deployment.TargetId));
        var version = (await Client.ListCertificateVersionsAsync(certificate.Id)).Data.Single(v => v.JobId == renewal.JobId);
        using var leaf = X509Certificate2.CreateFromPem(version.PemChain);
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(leaf.RawData));
        Assert.Equal("success", deployment.VerificationStatus);
        Assert.Equal(fingerprint, deployment.VerificationFingerprint);
        Assert.NotNull(deployment.VerifiedAt);

        // The files are the renewed certificate, with the key that never left the agent's host: the version was signed from the
        // agent's CSR, and the server holds no private key for it.
        using var deployed = X509Certificate2.CreateFromPemFile(Path.Combine(folder, "cert.pem"), Path.Combine(folder, "privkey.pem"));
        Assert.Equal(leaf.RawData, deployed.RawData);
        Assert.True(deployed.HasPrivateKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "privkey.pem")));
        Assert.False(string.IsNullOrEmpty(version.CsrPem));
        Assert.True(await ScalarAsync<bool>("SELECT encrypted_private_key IS NULL FROM certificate_versions WHERE id = @id", ("id", version.Id)));

        // A second deployment of the same certificate: every file already has the bytes, so nothing is written (same inode, same
        // modification time, no new backup) and the job still completes.
        var before = Snapshot(folder);
        var redeployId = $"job-e2e-redeploy-{Guid.NewGuid():N}"[..32];
        await ExecuteAsync(
            "INSERT INTO jobs (id, type, certificate_id, target_id, agent_id, status, requested_by) VALUES (@id, 'Deployment', @certificate, @target, @agent, 'Pending', 'e2e')",
            ("id", redeployId), ("certificate", certificate.Id), ("target", target.Id), ("agent", agentId));
        var redeploy = await WaitForEndAsync(redeployId, agent);
        Assert.True(redeploy.Status == "Completed", $"redeploy {redeploy.Status}: {redeploy.LastError}");
        Assert.Equal(before, Snapshot(folder));
        output.WriteLine($"redeploy {redeployId} completed; unchanged:{Environment.NewLine}{before}");
    }

    [Fact]
    public async Task A_failing_reload_puts_the_previous_files_back_and_the_deployment_fails()
    {
        await WaitHealthyAsync();
        await using var agent = AgentProcess.Start(suite, "e2e-reload");
        var (agentId, _) = await agent.WaitForRegistrationAsync(Timeout);
        var folder = Path.Combine(agent.Folder, "deploy");
        Directory.CreateDirectory(folder);
        // What the "service" ran with before; chain.pem did not exist, so a rollback must remove the one the deployment wrote.
        var previous = new Dictionary<string, string>
        {
            ["cert.pem"] = "previous certificate\n",
            ["fullchain.pem"] = "previous full chain\n",
            ["privkey.pem"] = "previous key\n",
        };
        foreach (var (file, content) in previous)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, file), content);
        }

        // The "service" refuses to reload the new certificate and reloads the previous one fine: the rollback must bring it back.
        var reload = $"grep -q 'previous certificate' '{folder}/cert.pem' || {{ echo reload refused >&2; exit 3; }}";
        var target = await Client.CreateTargetAsync(new DeploymentTargetRequest($"{agent.Name}-pem", "PEMFolder", agentId,
            new JsonObject { ["directory"] = folder, ["reload_command"] = reload }));
        var certificate = await Client.CreateCertificateAsync(
            new CertificateCreateRequest(agent.Name, $"{agent.Name}.example.test", "o-alice", "t-platform", "iss-local", "rp-standard")
            {
                TargetIds = [target.Id],
            });
        var issuance = await Client.RenewCertificateAsync(certificate.Id);
        Assert.Equal("Completed", (await WaitForEndAsync(issuance.JobId, agent)).Status);

        var deployment = await WaitForDeploymentAsync(certificate.Id, [], agent);
        Assert.Equal("Failed", deployment.Status);
        Assert.Contains("reload refused", deployment.LastError, StringComparison.Ordinal);
        Assert.EndsWith("the previous files were restored", deployment.LastError, StringComparison.Ordinal);
        foreach (var (file, content) in previous)
        {
            Assert.Equal(content, await File.ReadAllTextAsync(Path.Combine(folder, file)));
        }

        Assert.False(File.Exists(Path.Combine(folder, "chain.pem")), "chain.pem was created by the failed deployment and must be gone");
    }

    private async Task<Job> WaitForEndAsync(string jobId, AgentProcess agent)
    {
        var deadline = DateTimeOffset.UtcNow + Timeout;
        while (true)
        {
            var job = await Client.GetJobAsync(jobId);
            if (job.Status is "Completed" or "Failed" or "Cancelled")
            {
                return job;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"job {jobId} still {job.Status} after {Timeout}: {job.LastError}{Environment.NewLine}{agent.Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    // The deployment job the issuance created (not one of <paramref name="seen"/>), once it ended.
    private async Task<Job> WaitForDeploymentAsync(string certificateId, IReadOnlyCollection<string> seen, AgentProcess agent)
    {
        var deadline = DateTimeOffset.UtcNow + Timeout;
        while (true)
        {
            var jobs = await Client.ListJobsAsync(new JobListQuery { CertificateId = certificateId, Type = "Deployment" });
            var job = jobs.Data.FirstOrDefault(candidate => !seen.Contains(candidate.Id));
            if (job is { Status: "Completed" or "Failed" or "Cancelled" })
            {
                return job;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"no ended deployment of {certificateId} after {Timeout} (last seen: {job?.Status} {job?.Attempts} {job?.LastError}){Environment.NewLine}{agent.Output}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    // Every entry of the folder with its inode and modification time (stat(1): .NET has no inode API): a skipped deployment
    // changes none of them and adds no backup.
    private static string Snapshot(string folder)
    {
        var start = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%n %i %y"]) { RedirectStandardOutput = true };
        foreach (var path in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            start.ArgumentList.Add(path);
        }

        using var stat = System.Diagnostics.Process.Start(start)!;
        var listing = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        Assert.Equal(0, stat.ExitCode);
        return listing;
    }

    private async Task WaitHealthyAsync()
    {
        using var startup = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        foreach (var resource in new[] { "gateway", "agent-ingest", "scheduler", "ca-connector" })
        {
            await suite.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, startup.Token);
        }
    }

    private async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(suite.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(suite.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
