using System.Security.Cryptography;
using Certctl.CaConnector.Issuers;
using Certctl.CaConnector.RenewalInfo;
using Certctl.CaConnector.Tests.FakeVendors;
using Certctl.Domain;
using Certctl.Issuance;
using Certctl.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Certctl.CaConnector.Tests;

/// <summary>
/// The ARI poller's real registrations on real Postgres, a fake clock, a fixed "random" draw, and a <see cref="FakeAriServer"/>
/// behind an ACME issuer. Earlier tests' ACME issuers are disabled, so each test's runs see only its own.
/// </summary>
public sealed class AriHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private AriHarness(string connectionString, FakeAriServer ca, ServiceProvider services)
    {
        ConnectionString = connectionString;
        Ca = ca;
        _services = services;
    }

    /// <summary>Starts on a whole second near the real time, so times read back from Postgres compare equal.</summary>
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <summary>The poller's draw in [0, 1) for the renewal time inside a window.</summary>
    public double Draw { get; set; } = 0.25;

    public FakeAriServer Ca { get; }

    public string ConnectionString { get; }

    public MetricRecorder Metrics { get; } = new();

    public AriPoller Poller => _services.GetRequiredService<AriPoller>();

    public AriPollLoop Loop => _services.GetServices<IHostedService>().OfType<AriPollLoop>().Single();

    public static async Task<AriHarness> StartAsync(string connectionString, ITestOutputHelper output, Dictionary<string, string?>? settings = null)
    {
        await Sql.ExecuteAsync(connectionString, "UPDATE issuers SET enabled = FALSE WHERE type = 'ACME'");
        var ca = await FakeAriServer.StartAsync();
        AriHarness? harness = null;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddTestOutput(output));
        services.AddSingleton(NpgsqlDataSource.Create(connectionString));
        services.AddSingleton(new ConfigurationCipher(Convert.FromBase64String(ConnectorHost.EncryptionKey)));
        services.AddSingleton<IssuerRows>();
        services.AddSingleton<TimeProvider>(_ => harness!.Clock);
        services.AddSingleton(_ => new AriMetrics(harness!.Metrics.Meter));
        services.AddSingleton<Func<double>>(() => harness!.Draw);
        services.AddAcmeRenewalInfo(configuration);
        harness = new AriHarness(connectionString, ca, services.BuildServiceProvider(validateScopes: true));
        return harness;
    }

    /// <summary>An enabled ACME issuer whose directory is the fake's; <paramref name="extra"/> adds or overrides keys.</summary>
    public Task<string> IssuerAsync(Dictionary<string, object?>? extra = null)
    {
        var configuration = new Dictionary<string, object?> { ["directory_url"] = Ca.DirectoryUrl, ["email"] = "ops@example.com" };
        foreach (var (key, value) in extra ?? [])
        {
            configuration[key] = value;
        }

        return new AsyncIssuerRows(ConnectionString).InsertIssuerAsync("ACME", configuration);
    }

    /// <summary>An Active certificate whose current version (random AKI and serial) came from <paramref name="issuerId"/>; returns its ARI CertID.</summary>
    public async Task<AriCertificate> CertificateAsync(string issuerId, TimeSpan expiresIn, string? authorityKeyIdentifierHex = null)
    {
        var id = $"mc-ari-{Guid.NewGuid():N}"[..20];
        var notAfter = Clock.GetUtcNow() + expiresIn;
        await Sql.ExecuteAsync(ConnectionString,
            "INSERT INTO managed_certificates (id, name, common_name, issuer_id, status, expires_at) VALUES ($1, $1, $1 || '.example.com', $2, 'Active', $3)",
            id, issuerId, notAfter);
        return await VersionAsync(new AriCertificate(id, "", ""), issuerId, notAfter, authorityKeyIdentifierHex);
    }

    /// <summary>A new current version of the certificate (what a renewal stores): a fresh serial, the certificate's expiry moved to it.</summary>
    public async Task<AriCertificate> VersionAsync(AriCertificate certificate, string issuerId, DateTimeOffset notAfter, string? authorityKeyIdentifierHex = null)
    {
        var versionId = $"cv-ari-{Guid.NewGuid():N}"[..20];
        var aki = authorityKeyIdentifierHex ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var serial = CertificateSerialNumber.ToHex(CertificateSerialNumber.NewRandom());
        await Sql.ExecuteAsync(ConnectionString,
            """
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain, authority_key_identifier)
            VALUES ($1, $2, $3, $4, $5, $6, $1, '-', $7)
            """,
            versionId, certificate.CertificateId, issuerId, serial, Clock.GetUtcNow() - TimeSpan.FromDays(1), notAfter, aki);
        await Sql.ExecuteAsync(ConnectionString, "UPDATE managed_certificates SET expires_at = $2 WHERE id = $1", certificate.CertificateId, notAfter);
        return new AriCertificate(certificate.CertificateId, versionId, AriCertificateId.FromStoredHex(aki, serial) ?? "");
    }

    public async Task<AriRow?> RowAsync(string certificateId)
    {
        var rows = await Sql.RowsAsync(ConnectionString, "SELECT * FROM certificate_renewal_info WHERE certificate_id = $1", certificateId);
        return rows.SingleOrDefault() is { } row
            ? new AriRow(
                (string)row["version_id"]!, Time(row["window_start"]), Time(row["window_end"]), Time(row["renew_at"]), (string?)row["explanation_url"],
                Time(row["next_poll_at"])!.Value, (int)row["failures"]!, (string?)row["last_error"])
            : null;
    }

    public Task<int> PollAsync() => Poller.RunAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Ca.DisposeAsync();
        Metrics.Dispose();
    }

    private static DateTimeOffset? Time(object? value) => value switch
    {
        DateTime utc => new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)),
        DateTimeOffset offset => offset,
        _ => null,
    };
}

/// <summary>A test certificate: its id, current version and that version's ARI CertID.</summary>
public sealed record AriCertificate(string CertificateId, string VersionId, string CertId);

/// <summary>A <c>certificate_renewal_info</c> row as the poller left it.</summary>
public sealed record AriRow(
    string VersionId, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd, DateTimeOffset? RenewAt, string? ExplanationUrl, DateTimeOffset NextPollAt,
    int Failures, string? LastError);
