using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Certctl.Agent.Client;
using Certctl.Agent.Deployment;
using Certctl.Agent.Deployment.Targets;
using Certctl.Agent.State;
using Certctl.Agent.Tests.Support;
using Certctl.Agent.Work;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Certctl.Agent.Tests.Hosting;

/// <summary>
/// The agent's side of issue 5's acceptance, through the real client against the fake ingest API: CSR, deployment, the
/// SHA-256 skip on a second deployment, and a failing reload that restores the old files.
/// </summary>
public sealed class WorkFlowTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string CertificateId = "mc-web";
    private readonly TempFolder _folder = new();
    private FakeIngestServer _server = null!;
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeIngestServer.StartAsync();
        _host = AgentHostFactory.Build(_server, _folder, output);
        await _host.Services.GetRequiredService<AgentSession>().EnsureRegisteredAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _host.Dispose();
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_csr_job_makes_a_key_on_the_host_and_submits_a_csr_for_the_certificates_names()
    {
        await RunAsync(FakeIngestServer.WorkItem("job-csr", "Renewal", "AwaitingCSR", CertificateId, commonName: "web.example.com", sans: ["web.example.com", "ops@example.com"]));

        var submitted = Assert.Single(_server.Csrs);
        Assert.Equal(CertificateId, submitted["certificate_id"]!.GetValue<string>());
        var csr = CertificateRequest.LoadSigningRequestPem(submitted["csr_pem"]!.GetValue<string>(), HashAlgorithmName.SHA256);
        Assert.Equal("CN=web.example.com", csr.SubjectName.Name);
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(_folder["keys/mc-web.key"]));
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), csr.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.DoesNotContain("PRIVATE KEY", FakeIngestServer.Json(submitted), StringComparison.Ordinal); // the key never leaves the host
        Assert.Empty(_server.StatusReports);

        // The server returns the job until the certificate is issued: no second key, no second CSR.
        await RunAsync(FakeIngestServer.WorkItem("job-csr", "Renewal", "AwaitingCSR", CertificateId, commonName: "web.example.com"));
        Assert.Single(_server.Csrs);
    }

    [Fact]
    public async Task A_csr_job_without_a_common_name_is_reported_failed_with_the_reason()
    {
        await RunAsync(FakeIngestServer.WorkItem("job-csr", "Issuance", "AwaitingCSR", CertificateId, commonName: ""));

        var report = Assert.Single(_server.StatusReports);
        Assert.Equal(("job-csr", "Failed"), (report.JobId, report.Status));
        Assert.Contains("common name", report.Error);
        Assert.Empty(_server.Csrs);
    }

    [Fact]
    public async Task A_csr_that_cannot_reach_the_server_is_reported_failed_and_sent_again_on_the_next_poll()
    {
        _server.DropCsrConnections = true;

        await RunAsync(FakeIngestServer.WorkItem("job-csr", "Renewal", "AwaitingCSR", CertificateId, commonName: "web.example.com"));

        var report = Assert.Single(_server.StatusReports);
        Assert.Equal(("job-csr", "Failed"), (report.JobId, report.Status));
        Assert.Contains("CSR submission failed", report.Error);

        _server.DropCsrConnections = false;
        await RunAsync(FakeIngestServer.WorkItem("job-csr", "Renewal", "AwaitingCSR", CertificateId, commonName: "web.example.com"));
        Assert.Single(_server.Csrs);
    }

    [Fact]
    public async Task Nginx_deployment_writes_fullchain_and_key_reloads_and_a_second_deployment_is_skipped_by_sha256()
    {
        await IssueAsync();
        var reloads = _folder["reloads.log"];
        var config = NginxConfig($"echo reload >> '{reloads}'");

        await RunAsync(FakeIngestServer.WorkItem("job-d1", "Deployment", "Running", CertificateId, "NGINX", config));

        Assert.Equal([("job-d1", "Running", null), ("job-d1", "Completed", null)], _server.StatusReports.ToList());
        var served = _server.Certificates[CertificateId];
        Assert.Equal(Normalize(served), Normalize(File.ReadAllText(_folder["www/cert.pem"])));
        Assert.Equal(_server.Authority.CertificatePem.Trim(), File.ReadAllText(_folder["www/chain.pem"]).Trim());
        Assert.Equal(File.ReadAllText(_folder["keys/mc-web.key"]), File.ReadAllText(_folder["www/key.pem"]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(_folder["www/key.pem"]));
        Assert.Single(File.ReadAllLines(reloads));

        await RunAsync(FakeIngestServer.WorkItem("job-d2", "Deployment", "Running", CertificateId, "NGINX", config));

        Assert.Equal(("job-d2", "Completed", (string?)null), _server.StatusReports.Last());
        Assert.Single(File.ReadAllLines(reloads)); // skipped: no validate, no reload
        Assert.DoesNotContain(_folder.Files(), file => file.Contains(AtomicFileDeployment.BackupMarker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_renewed_certificate_whose_reload_fails_is_reported_failed_and_the_old_files_are_restored()
    {
        await IssueAsync();
        await RunAsync(FakeIngestServer.WorkItem("job-d1", "Deployment", "Running", CertificateId, "NGINX", NginxConfig("true")));
        var oldCertificate = File.ReadAllText(_folder["www/cert.pem"]);
        var oldKey = File.ReadAllText(_folder["www/key.pem"]);
        await IssueAsync(); // renewal: a new key and a new certificate

        // The new files break the service: the reload fails; after the restore it succeeds again.
        var marker = _folder["reload-failed-once"];
        var reload = $"if [ -e '{marker}' ]; then exit 0; fi; touch '{marker}'; echo 'nginx: [emerg] cannot load certificate' >&2; exit 1";
        await RunAsync(FakeIngestServer.WorkItem("job-d2", "Deployment", "Running", CertificateId, "NGINX", NginxConfig(reload)));

        var report = _server.StatusReports.Last();
        Assert.Equal(("job-d2", "Failed"), (report.JobId, report.Status));
        Assert.Contains("reload command failed", report.Error);
        Assert.Contains("cannot load certificate", report.Error);
        Assert.Contains("previous files were restored", report.Error);
        Assert.Equal(oldCertificate, File.ReadAllText(_folder["www/cert.pem"]));
        Assert.Equal(oldKey, File.ReadAllText(_folder["www/key.pem"]));
    }

    [Fact]
    public async Task Haproxy_gets_one_combined_pem_with_certificate_chain_and_key_mode_0600()
    {
        await IssueAsync();
        var config = new JsonObject { ["pem_path"] = _folder["haproxy/site.pem"], ["validate_command"] = "true", ["reload_command"] = "true" };

        await RunAsync(FakeIngestServer.WorkItem("job-h", "Deployment", "Running", CertificateId, "HAProxy", config));

        Assert.Equal("Completed", _server.StatusReports.Last().Status);
        var combined = File.ReadAllText(_folder["haproxy/site.pem"]);
        Assert.Equal(2, CountOf(combined, "BEGIN CERTIFICATE"));
        Assert.EndsWith(File.ReadAllText(_folder["keys/mc-web.key"]), combined, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder["haproxy/site.pem"]));
    }

    [Fact]
    public async Task Apache_and_the_pem_folder_get_their_separate_files()
    {
        await IssueAsync();
        var apache = new JsonObject
        {
            ["cert_path"] = _folder["apache/cert.pem"], ["chain_path"] = _folder["apache/chain.pem"], ["key_path"] = _folder["apache/key.pem"],
            ["validate_command"] = "true", ["reload_command"] = "true", ["key_file_mode"] = "0640",
        };
        var folder = new JsonObject { ["directory"] = _folder["pem"] };

        await RunAsync(
            FakeIngestServer.WorkItem("job-a", "Deployment", "Running", CertificateId, "Apache", apache),
            FakeIngestServer.WorkItem("job-p", "Deployment", "Running", CertificateId, "PEMFolder", folder));

        Assert.Equal(["Completed", "Completed"], _server.StatusReports.Where(report => report.Status != "Running").Select(report => report.Status).ToList());
        Assert.Equal(1, CountOf(File.ReadAllText(_folder["apache/cert.pem"]), "BEGIN CERTIFICATE"));
        Assert.Equal(_server.Authority.CertificatePem.Trim(), File.ReadAllText(_folder["apache/chain.pem"]).Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(_folder["apache/key.pem"]));
        Assert.Equal(["cert.pem", "chain.pem", "fullchain.pem", "privkey.pem"], Directory.GetFiles(_folder["pem"]).Select(Path.GetFileName).Order().ToList());
        Assert.Equal(2, CountOf(File.ReadAllText(_folder["pem/fullchain.pem"]), "BEGIN CERTIFICATE"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder["pem/privkey.pem"]));
    }

    [Fact]
    public async Task After_deploying_the_agent_checks_the_endpoint_and_reports_whether_it_serves_the_new_certificate()
    {
        await IssueAsync();
        using var deployed = ServedCertificate();
        await using var endpoint = new TlsEndpoint(deployed);
        var config = NginxConfig("true");
        config["host"] = "127.0.0.1";
        config["port"] = endpoint.Port;

        await RunAsync(FakeIngestServer.WorkItem("job-v1", "Deployment", "Running", CertificateId, "NGINX", config));

        var verified = Assert.Single(_server.Verifications);
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(deployed.RawData));
        Assert.Equal("job-v1", verified["job_id"]!.GetValue<string>());
        Assert.Equal("tgt-job-v1", verified["target_id"]!.GetValue<string>());
        Assert.Equal(fingerprint, verified["expected_fingerprint"]!.GetValue<string>());
        Assert.Equal(fingerprint, verified["actual_fingerprint"]!.GetValue<string>());
        Assert.True(verified["verified"]!.GetValue<bool>());

        // The service still serves the old certificate after a renewal: reported unverified, the job itself completes.
        await IssueAsync();
        await RunAsync(FakeIngestServer.WorkItem("job-v2", "Deployment", "Running", CertificateId, "NGINX", config));

        var stale = _server.Verifications.Last();
        Assert.False(stale["verified"]!.GetValue<bool>());
        Assert.Equal(fingerprint, stale["actual_fingerprint"]!.GetValue<string>());
        Assert.NotEqual(fingerprint, stale["expected_fingerprint"]!.GetValue<string>());
        Assert.Contains("not the deployed", stale["error"]!.GetValue<string>());
        Assert.Equal(("job-v2", "Completed", (string?)null), _server.StatusReports.Last());
    }

    [Fact]
    public async Task A_deployment_without_a_matching_key_on_the_host_fails_and_writes_nothing()
    {
        var (chain, key) = _server.Authority.Issue("web.example.com");
        key.Dispose();
        _server.Certificates[CertificateId] = chain;

        await RunAsync(FakeIngestServer.WorkItem("job-d", "Deployment", "Running", CertificateId, "NGINX", NginxConfig("true")));

        var report = _server.StatusReports.Last();
        Assert.Equal("Failed", report.Status);
        Assert.Contains("no key on this host matches", report.Error);
        Assert.False(Directory.Exists(_folder["www"]));
    }

    [Theory]
    [InlineData("IIS", "{}", "unsupported target type 'IIS'")]
    [InlineData("NGINX", "{\"key_path\":\"/tmp/k.pem\"}", "needs 'cert_path'")]
    [InlineData("NGINX", "{\"cert_path\":\"relative.pem\",\"key_path\":\"/tmp/k.pem\"}", "must be an absolute path")]
    [InlineData("NGINX", "{\"cert_path\":\"/tmp/c.pem\",\"key_path\":\"/tmp/k.pem\",\"key_file_mode\":\"rw\"}", "octal mode")]
    public async Task An_unusable_target_is_reported_failed_with_the_reason(string targetType, string config, string reason)
    {
        await IssueAsync();

        await RunAsync(FakeIngestServer.WorkItem("job-x", "Deployment", "Running", CertificateId, targetType, JsonNode.Parse(config)!.AsObject()));

        var report = _server.StatusReports.Last();
        Assert.Equal("Failed", report.Status);
        Assert.Contains(reason, report.Error);
    }

    private JsonObject NginxConfig(string reload) => new()
    {
        ["cert_path"] = _folder["www/cert.pem"],
        ["key_path"] = _folder["www/key.pem"],
        ["chain_path"] = _folder["www/chain.pem"],
        ["validate_command"] = "true",
        ["reload_command"] = reload,
    };

    // A CSR job through the agent, signed by the fake server: the state after an issuance or a renewal.
    private async Task IssueAsync()
    {
        var csrs = _server.Csrs.Count;
        await RunAsync(FakeIngestServer.WorkItem($"job-csr-{csrs}", "Renewal", "AwaitingCSR", CertificateId, commonName: "web.example.com", sans: ["web.example.com"]));
        Assert.Equal(csrs + 1, _server.Csrs.Count);
    }

    private X509Certificate2 ServedCertificate()
    {
        var (leaf, _) = CertificateMaterial.Split(_server.Certificates[CertificateId]);
        using var ephemeral = X509Certificate2.CreateFromPem(leaf, File.ReadAllText(_folder["keys/mc-web.key"]));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }

    private async Task RunAsync(params JsonObject[] items)
    {
        var processor = _host.Services.GetRequiredService<WorkItemProcessor>();
        foreach (var item in items)
        {
            await processor.ProcessAsync(FakeIngestServer.AgentId, item.Deserialize<WorkItem>(AgentJson.Options)!, CancellationToken.None);
        }
    }

    private static string Normalize(string pem) => pem.Replace("\r", "", StringComparison.Ordinal).Trim();

    private static int CountOf(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;
}
