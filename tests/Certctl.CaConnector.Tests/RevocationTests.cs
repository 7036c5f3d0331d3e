using Certctl.CaConnector.Crl;
using Certctl.Contracts;
using Certctl.Domain;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.CaConnector.Tests;

/// <summary>RevokeCertificate and GenerateCrl on a real RabbitMQ and Postgres, the CRLs checked with the openssl command line.</summary>
public sealed class RevocationTests(
    MigratedDatabaseFixture<RevocationTests> database,
    RabbitMqVirtualHostFixture<RevocationTests> broker,
    ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<RevocationTests>>, IClassFixture<RabbitMqVirtualHostFixture<RevocationTests>>, IAsyncLifetime
{
    private readonly IssuanceRows _rows = new(database.ConnectionString);
    private ConnectorHost? _host;

    private ConnectorHost Host => _host!;

    private RevocationRows Revocations => new(Host, _rows);

    public async Task InitializeAsync() => _host = await ConnectorHost.StartAsync(database.ConnectionString, broker.AmqpUri, output);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_revocation_notifies_the_local_CA_once_lists_the_serial_on_a_CRL_signed_by_the_CA_and_is_announced()
    {
        var (certificateId, serial, _) = await Revocations.IssueAsync();
        await Revocations.RecordAsync(certificateId, "iss-local", serial, RevocationReason.KeyCompromise);

        await Revocations.PublishRevokeAsync(certificateId, "iss-local", serial, RevocationReason.KeyCompromise);

        var revoked = Assert.Single(await Host.Events.WaitForAsync<CertificateRevoked>(e => e.SerialNumber == serial));
        Assert.True(revoked.IssuerNotified);
        Assert.Equal((certificateId, RevocationReason.KeyCompromise), (revoked.CertificateId, revoked.Reason));
        Assert.True(await _rows.ScalarAsync<bool>("SELECT issuer_notified AND notified_at IS NOT NULL FROM certificate_revocations WHERE serial_number = @s", ("s", serial)));
        Assert.Equal(1, await _rows.ScalarAsync<int>("SELECT notify_attempts FROM certificate_revocations WHERE serial_number = @s", ("s", serial)));

        var crlNumber = await _rows.ScalarAsync<long>("SELECT crl_number FROM crl_cache WHERE issuer_id = 'iss-local'");
        var text = await CheckCrlAsync(serial);
        Assert.Contains("Key Compromise", text, StringComparison.Ordinal);
        Assert.Contains($"X509v3 CRL Number: {Environment.NewLine}                {crlNumber}", text, StringComparison.Ordinal);

        // A repeated command tells nobody again and re-signs nothing, but repeats the news (it may be what was lost).
        await Revocations.PublishRevokeAsync(certificateId, "iss-local", serial, RevocationReason.KeyCompromise);
        await Host.Events.WaitForAsync<CertificateRevoked>(e => e.SerialNumber == serial, count: 2);
        Assert.Equal(1, await _rows.ScalarAsync<int>("SELECT notify_attempts FROM certificate_revocations WHERE serial_number = @s", ("s", serial)));
        Assert.Equal(crlNumber, await _rows.ScalarAsync<long>("SELECT crl_number FROM crl_cache WHERE issuer_id = 'iss-local'"));
    }

    [Fact]
    public async Task GenerateCrl_signs_a_new_CRL_with_a_higher_number_only_when_the_stored_one_is_behind()
    {
        await Host.Services.GetRequiredService<IBus>().Publish(new GenerateCrl("iss-local", "test", DateTimeOffset.UtcNow));
        var first = await WaitForCrlAsync();
        var generator = Host.Services.GetRequiredService<CrlGenerator>();

        var unchanged = await generator.EnsureCurrentAsync("iss-local", DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None);
        Assert.False(unchanged.Generated);
        Assert.Equal(first, unchanged.CrlNumber);

        // Five forced generations at once on separate connections: the advisory lock orders them, so each gets the next number.
        var forced = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            generator.EnsureCurrentAsync("iss-local", DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None)));
        Assert.All(forced, outcome => Assert.True(outcome.Generated));
        Assert.Equal(Enumerable.Range(1, 5).Select(n => first + n), forced.Select(outcome => outcome.CrlNumber).Order());

        // A new revocation makes the stored CRL behind even for an old request.
        var (certificateId, serial, _) = await Revocations.IssueAsync();
        await Revocations.RecordAsync(certificateId, "iss-local", serial, RevocationReason.Superseded);
        var behind = await generator.EnsureCurrentAsync("iss-local", DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None);
        Assert.True(behind.Generated);
        Assert.Equal(first + 6, behind.CrlNumber);
        Assert.Contains("Superseded", await CheckCrlAsync(serial), StringComparison.Ordinal);

        var span = await _rows.ScalarAsync<TimeSpan>("SELECT next_update - this_update FROM crl_cache WHERE issuer_id = 'iss-local'");
        Assert.Equal(TimeSpan.FromDays(7), span);
    }

    [Fact]
    public async Task An_issuer_type_without_a_revoke_call_is_refused_for_good_and_the_revocation_announced_unnotified()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var (issuerId, certificateId) = ($"iss-step-{suffix}", $"mc-step-{suffix}");
        await _rows.ExecuteAsync("""
            INSERT INTO issuers (id, name, type) VALUES (@issuer_id, @issuer_id, 'StepCA');
            INSERT INTO managed_certificates (id, name, common_name, issuer_id, status) VALUES (@certificate_id, @certificate_id, 'step.example.com', @issuer_id, 'Revoked');
            """, ("issuer_id", issuerId), ("certificate_id", certificateId));
        await Revocations.RecordAsync(certificateId, issuerId, "5eed", RevocationReason.CessationOfOperation);

        await Revocations.PublishRevokeAsync(certificateId, issuerId, "5eed", RevocationReason.CessationOfOperation);

        var revoked = Assert.Single(await Host.Events.WaitForAsync<CertificateRevoked>(e => e.IssuerId == issuerId));
        Assert.False(revoked.IssuerNotified);
        Assert.Equal(IssuerNotification.MaxAttempts, await _rows.ScalarAsync<int>("SELECT notify_attempts FROM certificate_revocations WHERE issuer_id = @i", ("i", issuerId)));
        Assert.Contains("StepCA", await _rows.ScalarAsync<string>("SELECT notify_error FROM certificate_revocations WHERE issuer_id = @i", ("i", issuerId)), StringComparison.Ordinal);
        Assert.Equal(0L, await _rows.ScalarAsync<long>("SELECT count(*) FROM crl_cache WHERE issuer_id = @i", ("i", issuerId)));
    }

    /// <summary>Writes the stored CRL and the CA, checks the signature with <c>openssl crl -CAfile</c>, and answers its text form, which must list <paramref name="serial"/>.</summary>
    private async Task<string> CheckCrlAsync(string serial)
    {
        using var files = new ScratchFiles();
        var crl = files.Write("crl.der", await _rows.ScalarAsync<byte[]>("SELECT crl_der FROM crl_cache WHERE issuer_id = 'iss-local'"));
        var ca = files.Write("ca.pem", await Revocations.CaPemAsync());

        Assert.Contains("verify OK", await OpenSslCli.RunCheckedAsync("crl", "-inform", "DER", "-in", crl, "-CAfile", ca, "-noout"), StringComparison.Ordinal);
        var text = await OpenSslCli.RunCheckedAsync("crl", "-inform", "DER", "-in", crl, "-noout", "-text");
        Assert.Contains($"Serial Number: {serial.ToUpperInvariant().PadLeft(serial.Length + (serial.Length % 2), '0')}", text, StringComparison.Ordinal);
        return text;
    }

    private async Task<long> WaitForCrlAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var number = await _rows.ScalarAsync<object?>("SELECT crl_number FROM crl_cache WHERE issuer_id = 'iss-local'");
            if (number is long value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("No CRL was stored within 30 s.");
    }
}
