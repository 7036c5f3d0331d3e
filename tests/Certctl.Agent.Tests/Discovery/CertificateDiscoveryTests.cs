using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Agent.Discovery;
using Certctl.Agent.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Certctl.Agent.Tests.Discovery;

public sealed class CertificateDiscoveryTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly TestCertificateAuthority _authority = new();

    public void Dispose()
    {
        _authority.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public void Pem_and_der_certificates_are_found_recursively_with_their_details()
    {
        var (chain, key) = _authority.Issue("web.example.com");
        key.Dispose();
        _folder.Write("etc/nginx/ssl/fullchain.pem", chain);
        using var rsaKey = RSA.Create(2048);
        using var rsa = new CertificateRequest("CN=legacy.example.com", rsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.Parse("2026-01-01T00:00:00Z"), DateTimeOffset.Parse("2027-01-01T00:00:00Z"));
        Directory.CreateDirectory(_folder["etc/legacy"]);
        File.WriteAllBytes(_folder["etc/legacy/site.der"], rsa.RawData);

        var scan = Scanner().Scan([_folder["etc"]], CancellationToken.None);

        Assert.Empty(scan.Errors);
        Assert.Equal(3, scan.Certificates.Count); // leaf and CA from the PEM, one DER
        var leaf = Assert.Single(scan.Certificates, found => found.CommonName == "web.example.com");
        using var leafCertificate = X509Certificate2.CreateFromPem(chain);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(leafCertificate.RawData)), leaf.FingerprintSha256);
        Assert.Equal(("ECDSA", 256, false, "PEM"), (leaf.KeyAlgorithm, leaf.KeySize, leaf.IsCa, leaf.SourceFormat));
        Assert.Equal(_folder["etc/nginx/ssl/fullchain.pem"], leaf.SourcePath);
        Assert.Equal("CN=Certctl Agent Test CA", leaf.IssuerDn);
        Assert.Equal(leafCertificate.SerialNumber.ToLowerInvariant(), leaf.SerialNumber);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", leaf.PemData);
        Assert.True(Assert.Single(scan.Certificates, found => found.CommonName == "Certctl Agent Test CA").IsCa);
        var der = Assert.Single(scan.Certificates, found => found.SourceFormat == "DER");
        Assert.Equal(("legacy.example.com", "RSA", 2048), (der.CommonName, der.KeyAlgorithm, der.KeySize));
        Assert.Equal(DateTimeOffset.Parse("2027-01-01T00:00:00Z"), der.NotAfter);
    }

    [Fact]
    public void Keys_files_without_extension_and_files_over_1_mb_are_skipped_and_unreadable_certificates_are_errors()
    {
        var (chain, key) = _authority.Issue("web.example.com");
        key.Dispose();
        _folder.Write("certs/site.key", chain);
        _folder.Write("certs/README", chain);
        _folder.Write("certs/huge.pem", chain + new string('#', 1024 * 1024));
        _folder.Write("certs/notes.txt", "no certificates here");
        File.WriteAllBytes(_folder["certs/broken.der"], [0x30, 0x03, 0x02, 0x01, 0x00]);

        var scan = Scanner().Scan([_folder["certs"], _folder["missing"]], CancellationToken.None);

        Assert.Empty(scan.Certificates);
        Assert.Equal(2, scan.Errors.Count);
        Assert.Contains(scan.Errors, error => error.StartsWith(_folder["certs/broken.der"], StringComparison.Ordinal));
        Assert.Contains(scan.Errors, error => error.StartsWith(_folder["missing"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_discovery_loop_reports_what_it_found_to_the_server()
    {
        var (chain, key) = _authority.Issue("web.example.com");
        key.Dispose();
        _folder.Write("scan/site.crt", chain);
        await using var server = await FakeIngestServer.StartAsync();
        using var host = AgentHostFactory.Build(server, _folder, output, new() { ["CERTCTL_DISCOVERY_DIRS"] = _folder["scan"] + ", " + _folder["absent"] });

        await host.StartAsync();
        await Eventually.TrueAsync(() => !server.Discoveries.IsEmpty, "a discovery report");
        await host.StopAsync();

        var report = server.Discoveries.Single();
        Assert.Equal(FakeIngestServer.AgentId, report["agent_id"]!.GetValue<string>());
        Assert.Equal([_folder["scan"], _folder["absent"]], report["directories"]!.AsArray().Select(node => node!.GetValue<string>()).ToList());
        Assert.Equal(2, report["certificates"]!.AsArray().Count);
        Assert.Single(report["errors"]!.AsArray());
        var first = report["certificates"]![0]!;
        Assert.Equal(_folder["scan/site.crt"], first["source_path"]!.GetValue<string>());
        Assert.Equal(64, first["fingerprint_sha256"]!.GetValue<string>().Length);
        Assert.NotNull(first["not_after"]);
    }

    private static CertificateDiscovery Scanner() => new(NullLogger<CertificateDiscovery>.Instance);
}
