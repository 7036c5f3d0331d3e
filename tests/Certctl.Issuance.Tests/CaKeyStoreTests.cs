using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance.Tests;

public sealed class CaKeyStoreTests
{
    private const string IssuerId = "iss-local";

    [Fact]
    public async Task The_first_start_creates_and_stores_a_root_and_a_restart_loads_the_same_one()
    {
        var clock = TestPki.Clock();
        var store = new InMemoryCaKeyStore();
        var options = new RootCaOptions { Key = KeySpec.EcdsaP256 };

        using var first = await LocalRootCa.LoadOrCreateAsync(store, IssuerId, options, TestPki.FastProtection, clock, CancellationToken.None);
        Assert.NotNull(store[IssuerId]);

        clock.Advance(TimeSpan.FromDays(3));
        using var afterRestart = await LocalRootCa.LoadOrCreateAsync(store, IssuerId, options, TestPki.FastProtection, clock, CancellationToken.None);

        Assert.Equal(1, store.AddAttempts);
        Assert.Equal(first.Certificate.Thumbprint, afterRestart.Certificate.Thumbprint);
        Assert.Equal(first.KeyIdentifier.ToArray(), afterRestart.KeyIdentifier.ToArray());

        // The reloaded key really is the root's key: what it signs chains to the root made before the restart.
        var issued = TestPki.Authority(afterRestart, clock).IssueFromCsr(TestPki.Request(), TestPki.CsrPem(ECDsa.Create(ECCurve.NamedCurves.nistP256)), IssuanceProfile.Default);
        TestPki.AssertChainBuilds(TestPki.Leaf(issued), first.Certificate, [], clock.GetUtcNow(), expectedLength: 2);
    }

    [Fact]
    public async Task A_stored_root_is_not_re_keyed_when_the_options_change()
    {
        var clock = TestPki.Clock();
        var store = new InMemoryCaKeyStore();
        using var first = await LocalRootCa.LoadOrCreateAsync(store, IssuerId, new RootCaOptions { Key = KeySpec.EcdsaP256 }, TestPki.FastProtection, clock, CancellationToken.None);

        using var again = await LocalRootCa.LoadOrCreateAsync(
            store, IssuerId, new RootCaOptions { CommonName = "Another Name", Key = KeySpec.Rsa2048 }, TestPki.FastProtection, clock, CancellationToken.None);

        Assert.Equal(first.Certificate.Thumbprint, again.Certificate.Thumbprint);
        Assert.Equal(KeySpec.EcdsaP256, again.Key);
    }

    [Fact]
    public async Task Each_issuer_has_its_own_root()
    {
        var clock = TestPki.Clock();
        var store = new InMemoryCaKeyStore();
        var options = new RootCaOptions { Key = KeySpec.EcdsaP256 };

        using var local = await LocalRootCa.LoadOrCreateAsync(store, "iss-local", options, TestPki.FastProtection, clock, CancellationToken.None);
        using var other = await LocalRootCa.LoadOrCreateAsync(store, "iss-local-2", options, TestPki.FastProtection, clock, CancellationToken.None);

        Assert.NotEqual(local.Certificate.Thumbprint, other.Certificate.Thumbprint);
    }

    [Fact]
    public async Task When_another_replica_stores_a_root_first_its_root_is_used()
    {
        var clock = TestPki.Clock();
        using var winner = TestPki.Root(clock);
        var store = new LosingRaceStore(winner.Export(TestPki.FastProtection));

        using var ca = await LocalRootCa.LoadOrCreateAsync(store, IssuerId, new RootCaOptions { Key = KeySpec.EcdsaP256 }, TestPki.FastProtection, clock, CancellationToken.None);

        Assert.Equal(winner.Certificate.Thumbprint, ca.Certificate.Thumbprint);
    }

    [Fact]
    public void The_stored_private_key_is_encrypted_pkcs8_that_only_the_passphrase_opens()
    {
        using var ca = TestPki.Root(TestPki.Clock());
        var stored = ca.Export(TestPki.FastProtection);

        using var plain = ECDsa.Create();
        Assert.ThrowsAny<CryptographicException>(() => plain.ImportPkcs8PrivateKey(stored.EncryptedPrivateKey, out _));
        Assert.ThrowsAny<CryptographicException>(() => plain.ImportEncryptedPkcs8PrivateKey("wrong", stored.EncryptedPrivateKey, out _));

        plain.ImportEncryptedPkcs8PrivateKey("correct horse battery staple", stored.EncryptedPrivateKey, out var read);
        Assert.Equal(stored.EncryptedPrivateKey.Length, read);
        using var publicKey = ca.Certificate.GetECDsaPublicKey()!;
        Assert.Equal(publicKey.ExportSubjectPublicKeyInfo(), plain.ExportSubjectPublicKeyInfo());
        Assert.Equal(ca.Certificate.Thumbprint, X509Certificate2.CreateFromPem(stored.CertificatePem).Thumbprint);
    }

    [Fact]
    public void The_default_work_factor_round_trips()
    {
        var protection = new CaKeyProtection("a long passphrase from configuration");
        using var ca = TestPki.Root(TestPki.Clock(), KeySpec.Rsa2048);

        using var loaded = IssuingCa.FromStored(ca.Export(protection), protection, TestPki.Clock());

        Assert.Equal(ca.Certificate.Thumbprint, loaded.Certificate.Thumbprint);
        Assert.Equal(KeySpec.Rsa2048, loaded.Key);
    }

    [Fact]
    public void A_wrong_passphrase_is_a_certificate_authority_error()
    {
        using var ca = TestPki.Root(TestPki.Clock());
        var stored = ca.Export(TestPki.FastProtection);

        var error = Assert.Throws<CertificateAuthorityException>(
            () => IssuingCa.FromStored(stored, new CaKeyProtection("not the passphrase", iterations: 1_000), TestPki.Clock()));
        Assert.Contains("cannot be decrypted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stored_key_that_belongs_to_another_certificate_is_refused()
    {
        var clock = TestPki.Clock();
        using var one = TestPki.Root(clock);
        using var two = TestPki.Root(clock);
        var mixed = new StoredCaKey(one.Export(TestPki.FastProtection).CertificatePem, two.Export(TestPki.FastProtection).EncryptedPrivateKey);

        var error = Assert.Throws<CertificateAuthorityException>(() => IssuingCa.FromStored(mixed, TestPki.FastProtection, clock));
        Assert.Contains("does not belong", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stored_root_that_has_expired_is_reported_not_replaced()
    {
        var clock = TestPki.Clock();
        var store = new InMemoryCaKeyStore();
        using (await LocalRootCa.LoadOrCreateAsync(store, IssuerId, new RootCaOptions { Key = KeySpec.EcdsaP256, Validity = TimeSpan.FromDays(30) }, TestPki.FastProtection, clock, CancellationToken.None))
        {
        }

        clock.Advance(TimeSpan.FromDays(31));

        await Assert.ThrowsAsync<CertificateAuthorityException>(
            () => LocalRootCa.LoadOrCreateAsync(store, IssuerId, new RootCaOptions(), TestPki.FastProtection, clock, CancellationToken.None));
        Assert.Equal(1, store.AddAttempts);
    }

    /// <summary>A store where another replica stores its root between our look-up and our insert.</summary>
    private sealed class LosingRaceStore(StoredCaKey othersRoot) : ICaKeyStore
    {
        private bool _othersRootStored;

        public Task<StoredCaKey?> FindAsync(string issuerId, CancellationToken cancellationToken) =>
            Task.FromResult(_othersRootStored ? othersRoot : null);

        public Task<bool> TryAddAsync(string issuerId, StoredCaKey key, CancellationToken cancellationToken)
        {
            _othersRootStored = true;
            return Task.FromResult(false);
        }
    }
}
