using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.CaConnector.Ocsp;
using Certctl.CaConnector.Revocation;
using Certctl.Contracts;
using Certctl.Domain;
using Certctl.Issuance;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Certctl.CaConnector.Tests;

/// <summary>OCSP signing in the connector: the delegated responder (stored, shared, rotated) and SignOcspResponse over the real broker.</summary>
public sealed class OcspResponderTests(
    MigratedDatabaseFixture<OcspResponderTests> database,
    RabbitMqVirtualHostFixture<OcspResponderTests> broker,
    ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<OcspResponderTests>>, IClassFixture<RabbitMqVirtualHostFixture<OcspResponderTests>>, IAsyncLifetime
{
    private readonly IssuanceRows _rows = new(database.ConnectionString);
    private ConnectorHost? _host;

    private ConnectorHost Host => _host!;

    public async Task InitializeAsync() => _host = await ConnectorHost.StartAsync(database.ConnectionString, broker.AmqpUri, output);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_responder_is_certified_by_the_CA_stored_encrypted_shared_by_replicas_and_replaced_before_it_expires()
    {
        var issuerId = $"iss-ocsp-{Guid.NewGuid():N}"[..20];
        await _rows.ExecuteAsync("INSERT INTO issuers (id, name, type) VALUES (@id, @id, 'GenericCA')", ("id", issuerId));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var ca = IssuingCa.CreateSelfSignedRoot(new RootCaOptions(), clock);
        await using var db = NpgsqlDataSource.Create(database.ConnectionString);
        var protection = new CaKeyProtection(ConnectorHost.EncryptionKey, iterations: 1000);
        OcspResponders Replica() => new(new OcspResponderStore(db), protection, Microsoft.Extensions.Options.Options.Create(new RevocationOptions()), clock,
            NullLogger<OcspResponders>.Instance);
        var (one, two) = (Replica(), Replica());

        var first = await one.GetAsync(issuerId, ca, CancellationToken.None);
        Assert.Equal(first.Certificate.Thumbprint, (await two.GetAsync(issuerId, ca, CancellationToken.None)).Certificate.Thumbprint);

        AssertDelegatedResponder(first.Certificate, ca.Certificate, clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromDays(30) + IssuingCa.Backdate, first.NotAfter - first.NotBefore);
        var stored = await _rows.ScalarAsync<byte[]>("SELECT encrypted_private_key FROM ocsp_responders WHERE issuer_id = @id", ("id", issuerId));
        using (var key = ECDsa.Create())
        {
            Assert.ThrowsAny<CryptographicException>(() => key.ImportPkcs8PrivateKey(stored, out _));
            key.ImportEncryptedPkcs8PrivateKey(ConnectorHost.EncryptionKey, stored, out _);
            Assert.Equal(first.Certificate.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
        }

        // Within the 7-day grace of its 30 days, the first replica to need it makes a new one; the other loads that one.
        clock.Advance(TimeSpan.FromDays(23) + TimeSpan.FromMinutes(1));
        var rotated = await one.GetAsync(issuerId, ca, CancellationToken.None);
        Assert.NotEqual(first.Certificate.Thumbprint, rotated.Certificate.Thumbprint);
        Assert.Equal(rotated.Certificate.Thumbprint, (await two.GetAsync(issuerId, ca, CancellationToken.None)).Certificate.Thumbprint);
        Assert.Equal(1L, await _rows.ScalarAsync<long>("SELECT count(*) FROM ocsp_responders WHERE issuer_id = @id", ("id", issuerId)));
    }

    [Fact]
    public async Task SignOcspResponse_answers_good_then_revoked_with_a_response_openssl_verifies_and_malformed_bytes_get_malformedRequest()
    {
        var revocations = new RevocationRows(Host, _rows);
        var (certificateId, serial, leafPem) = await revocations.IssueAsync();
        using var files = new ScratchFiles();
        var ca = files.Write("ca.pem", await revocations.CaPemAsync());
        var leaf = files.Write("leaf.pem", leafPem);
        await OpenSslCli.RunCheckedAsync("ocsp", "-issuer", ca, "-cert", leaf, "-reqout", files.PathOf("req.der"));
        var client = Host.Services.GetRequiredService<IBus>().CreateRequestClient<SignOcspResponse>();

        async Task<string> AskAsync()
        {
            var response = await client.GetResponse<OcspResponseSigned>(new SignOcspResponse("iss-local", File.ReadAllBytes(files.PathOf("req.der")), DateTimeOffset.UtcNow));
            Assert.False(response.Message.Cacheable); // openssl sends a nonce, which makes every answer unique
            var answer = files.Write("resp.der", response.Message.ResponseDer);
            // -no_nonce: with -respin openssl would compare the echoed nonce with one of a request it makes up (the live HTTP test checks the echo).
            var text = await OpenSslCli.RunCheckedAsync("ocsp", "-respin", answer, "-issuer", ca, "-cert", leaf, "-CAfile", ca, "-no_nonce", "-resp_text");
            Assert.Contains("Response verify OK", text, StringComparison.Ordinal);
            return text;
        }

        Assert.Contains($"{leaf}: good", await AskAsync(), StringComparison.Ordinal);

        await revocations.RecordAsync(certificateId, "iss-local", serial, RevocationReason.KeyCompromise);
        var revoked = await AskAsync();
        Assert.Contains($"{leaf}: revoked", revoked, StringComparison.Ordinal);
        Assert.Contains("Reason: keyCompromise", revoked, StringComparison.Ordinal);

        var malformed = await client.GetResponse<OcspResponseSigned>(new SignOcspResponse("iss-local", [0x30, 0x02, 0x05], DateTimeOffset.UtcNow));
        Assert.Equal(OcspErrorResponse.For(OcspResponseStatus.MalformedRequest), malformed.Message.ResponseDer);
        var unauthorized = await client.GetResponse<OcspResponseSigned>(new SignOcspResponse("iss-acme-le", File.ReadAllBytes(files.PathOf("req.der")), DateTimeOffset.UtcNow));
        Assert.Equal(OcspErrorResponse.For(OcspResponseStatus.Unauthorized), unauthorized.Message.ResponseDer);
    }

    private static void AssertDelegatedResponder(X509Certificate2 responder, X509Certificate2 ca, DateTimeOffset at)
    {
        Assert.Equal([IssuingCa.OcspSigningOid], responder.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(oid => oid.Value));
        Assert.NotNull(responder.Extensions[IssuingCa.OcspNoCheckOid]);
        Assert.False(responder.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        Assert.True(chain.Build(responder), string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation)));
    }
}
