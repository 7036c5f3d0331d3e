using Certctl.CaConnector.Issuers;
using Certctl.Issuance;
using Certctl.Secrets;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Certctl.CaConnector.Tests;

/// <summary>The local CA's root is made once, stored encrypted, and loaded again by a new registry (a restart).</summary>
public sealed class IssuerRegistryTests(MigratedDatabaseFixture<IssuerRegistryTests> database)
    : IClassFixture<MigratedDatabaseFixture<IssuerRegistryTests>>
{
    [Fact]
    public async Task The_root_survives_a_restart()
    {
        await using var db = NpgsqlDataSource.Create(database.ConnectionString);

        string first;
        using (var registry = NewRegistry(db))
        {
            first = (await registry.GetLocalAuthorityAsync("iss-local", CancellationToken.None)).Ca.Certificate.Thumbprint;
        }

        using var restarted = NewRegistry(db);
        var again = await restarted.GetLocalAuthorityAsync("iss-local", CancellationToken.None);

        Assert.Equal(first, again.Ca.Certificate.Thumbprint);
        await using var command = db.CreateCommand("SELECT count(*) FROM issuer_ca_keys WHERE issuer_id = 'iss-local'");
        Assert.Equal(1L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task An_issuer_that_is_not_a_local_CA_is_refused()
    {
        await using var db = NpgsqlDataSource.Create(database.ConnectionString);
        using var registry = NewRegistry(db);

        await Assert.ThrowsAsync<CertificateAuthorityException>(() => registry.GetLocalAuthorityAsync("iss-acme-le", CancellationToken.None));
        await Assert.ThrowsAsync<CertificateAuthorityException>(() => registry.GetLocalAuthorityAsync("iss-nope", CancellationToken.None));
    }

    private static IssuerRegistry NewRegistry(NpgsqlDataSource db) => new(
        new IssuerRows(db, new ConfigurationCipher(Convert.FromBase64String(ConnectorHost.EncryptionKey))),
        new PostgresCaKeyStore(db),
        new CaKeyProtection(ConnectorHost.EncryptionKey),
        TimeProvider.System,
        NullLogger<IssuerRegistry>.Instance);
}
