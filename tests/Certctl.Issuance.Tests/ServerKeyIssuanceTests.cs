using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance.Tests;

public sealed class ServerKeyIssuanceTests
{
    public static TheoryData<KeySpec> ServerKeys() => [KeySpec.EcdsaP256, KeySpec.EcdsaP384, KeySpec.Rsa2048, KeySpec.Rsa3072];

    [Theory]
    [MemberData(nameof(ServerKeys))]
    public void The_ca_makes_the_key_and_returns_it_as_pkcs8_matching_the_certificate(KeySpec key)
    {
        var clock = TestPki.Clock();
        using var ca = TestPki.Root(clock);
        var authority = TestPki.Authority(ca, clock);
        var profile = new IssuanceProfile { AllowedKeyAlgorithms = [new KeyAlgorithmRule(KeyAlgorithm.Ecdsa, 256), new KeyAlgorithmRule(KeyAlgorithm.Rsa, 2048)] };

        using var issued = authority.IssueWithServerKey(TestPki.Request("svc.example.com"), key, profile);

        var leaf = TestPki.Leaf(issued.Certificate);
        Assert.Equal(key, issued.Certificate.SubjectKey);
        using var withKey = key.Algorithm == KeyAlgorithm.Rsa ? WithRsaKey(leaf, issued.PrivateKeyPkcs8) : WithEcdsaKey(leaf, issued.PrivateKeyPkcs8);
        Assert.True(withKey.HasPrivateKey);
        var usage = Assert.Single(leaf.Extensions.OfType<X509KeyUsageExtension>()).KeyUsages;
        Assert.Equal(key.Algorithm == KeyAlgorithm.Rsa ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature, usage);
        TestPki.AssertChainBuilds(leaf, ca.Certificate, [], clock.GetUtcNow(), expectedLength: 2);
    }

    [Fact]
    public void Disposing_the_result_wipes_the_private_key()
    {
        var clock = TestPki.Clock();
        using var ca = TestPki.Root(clock);
        var issued = TestPki.Authority(ca, clock).IssueWithServerKey(TestPki.Request(), KeySpec.EcdsaP256, IssuanceProfile.Default);
        var key = issued.PrivateKeyPkcs8;
        Assert.True(key.AsSpan().ContainsAnyExcept((byte)0));

        issued.Dispose();

        Assert.False(key.AsSpan().ContainsAnyExcept((byte)0));
    }

    [Theory]
    [InlineData(KeyAlgorithm.Rsa, 1024)]
    [InlineData(KeyAlgorithm.Rsa, 2000)]
    [InlineData(KeyAlgorithm.Ecdsa, 521)]
    [InlineData(KeyAlgorithm.Ed25519, 256)]
    public void Keys_the_engine_does_not_make_are_rejected(KeyAlgorithm algorithm, int size)
    {
        var clock = TestPki.Clock();
        using var ca = TestPki.Root(clock);

        Assert.Throws<DisallowedKeyException>(() => TestPki.Authority(ca, clock).IssueWithServerKey(TestPki.Request(), new KeySpec(algorithm, size), IssuanceProfile.Default));
    }

    [Fact]
    public void The_profile_decides_which_server_keys_are_allowed()
    {
        var clock = TestPki.Clock();
        using var ca = TestPki.Root(clock);
        var rsaOnly = new IssuanceProfile { AllowedKeyAlgorithms = [new KeyAlgorithmRule(KeyAlgorithm.Rsa, 3072)] };

        Assert.Throws<DisallowedKeyException>(() => TestPki.Authority(ca, clock).IssueWithServerKey(TestPki.Request(), KeySpec.EcdsaP256, rsaOnly));
        Assert.Throws<DisallowedKeyException>(() => TestPki.Authority(ca, clock).IssueWithServerKey(TestPki.Request(), KeySpec.Rsa2048, rsaOnly));
    }

    [Fact]
    public void Names_are_checked_in_server_key_mode_too()
    {
        var clock = TestPki.Clock();
        using var ca = TestPki.Root(clock);

        Assert.Throws<InvalidNameException>(() => TestPki.Authority(ca, clock).IssueWithServerKey(TestPki.Request("bad..name.example.com"), KeySpec.EcdsaP256, IssuanceProfile.Default));
    }

    private static X509Certificate2 WithRsaKey(X509Certificate2 leaf, byte[] pkcs8)
    {
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return leaf.CopyWithPrivateKey(rsa);
    }

    private static X509Certificate2 WithEcdsaKey(X509Certificate2 leaf, byte[] pkcs8)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
        return leaf.CopyWithPrivateKey(ecdsa);
    }
}
