using Certctl.Domain;
using Certctl.LoadTest.Acme;
using Certctl.Testing;

namespace Certctl.LoadTest.Tests.Seeding;

/// <summary><c>seed acme_burst</c> on a real migrated database: certificates with one version each, named by their ARI cert ids, idempotent.</summary>
public sealed class AcmeBurstSeedDatabaseTests(MigratedDatabaseFixture<AcmeBurstSeedDatabaseTests> database)
    : IClassFixture<MigratedDatabaseFixture<AcmeBurstSeedDatabaseTests>>
{
    [Fact]
    public async Task Seeds_certificates_whose_versions_carry_the_serial_and_aki_of_their_cert_ids_once()
    {
        var (code, output) = await SeedAsync("--count", "250");

        Assert.Equal(LoadCommand.ExitPassed, code);
        Assert.Contains("inserted 250 certificates with one version each (mc-loadtest-ari-00001 … mc-loadtest-ari-00250)", output, StringComparison.Ordinal);
        var versions = await Sql.RowsAsync(database.ConnectionString, """
            SELECT c.id, v.serial_number, v.authority_key_identifier, v.not_after = c.expires_at AS same_expiry, c.expires_at > now() + interval '44 days' AS ahead,
                   c.renewal_policy_id, c.status
            FROM managed_certificates c JOIN certificate_versions v ON v.certificate_id = c.id
            WHERE c.id LIKE 'mc-loadtest-ari-%' ORDER BY c.id
            """);
        Assert.Equal(250, versions.Count);
        Assert.All(versions.Select((row, index) => (row, n: index + 1)), pair =>
        {
            Assert.Equal(AcmeBurstFixture.IdOf(pair.n), pair.row["id"]);
            Assert.Equal(AcmeBurstFixture.CertIdOf(pair.n),
                AriCertificateId.FromStoredHex((string)pair.row["authority_key_identifier"]!, (string)pair.row["serial_number"]!));
            Assert.Equal(true, pair.row["same_expiry"]);
            Assert.Equal(true, pair.row["ahead"]);
            Assert.Equal("rp-manual", pair.row["renewal_policy_id"]);
            Assert.Equal("Active", pair.row["status"]);
        });

        var (again, rerun) = await SeedAsync("--count", "260");
        Assert.Equal(LoadCommand.ExitPassed, again);
        Assert.Contains("inserted 10 certificates", rerun, StringComparison.Ordinal);
        Assert.Contains("250 were already there", rerun, StringComparison.Ordinal);

        var (removeCode, removed) = await SeedAsync("--remove");
        Assert.Equal(LoadCommand.ExitPassed, removeCode);
        Assert.Contains("removed 260 certificates", removed, StringComparison.Ordinal);
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString,
            "SELECT count(*) FROM certificate_versions WHERE certificate_id LIKE 'mc-loadtest-ari-%'"));
    }

    private async Task<(int Code, string Output)> SeedAsync(params string[] options)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LoadCommand.RunAsync(["seed", "acme_burst", "--database", database.ConnectionString, .. options], output, error, CancellationToken.None);
        return (code, output + error.ToString());
    }
}
