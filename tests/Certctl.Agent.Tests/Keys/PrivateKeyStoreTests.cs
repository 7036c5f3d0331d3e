using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Agent.Deployment.Targets;
using Certctl.Agent.Keys;
using Certctl.Agent.Options;
using Certctl.Agent.Tests.Support;

namespace Certctl.Agent.Tests.Keys;

public sealed class PrivateKeyStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_new_key_is_ecdsa_p256_in_a_0600_file_inside_a_0700_folder()
    {
        var store = Store();

        using var key = store.CreateKey("mc-web");

        var path = _folder["keys/mc-web.key"];
        Assert.Equal(path, store.PathOf("mc-web"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder["keys"]));
        var pem = File.ReadAllText(path);
        Assert.StartsWith("-----BEGIN EC PRIVATE KEY-----", pem);
        using var stored = ECDsa.Create();
        stored.ImportFromPem(pem);
        Assert.Equal(256, stored.KeySize);
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, stored.ExportParameters(false).Curve.Oid.Value);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), stored.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void A_key_folder_that_others_can_enter_is_tightened_to_0700()
    {
        Directory.CreateDirectory(_folder["keys"]);
        File.SetUnixFileMode(_folder["keys"], (UnixFileMode)0b111_101_101);

        using var key = Store().CreateKey("mc-web");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder["keys"]));
    }

    [Fact]
    public void The_key_matching_a_certificate_is_found_even_after_a_newer_key_replaced_it()
    {
        using var authority = new TestCertificateAuthority();
        var store = Store();
        using var first = store.CreateKey("mc-web");
        var certificatePem = authority.Sign(CsrBuilder.Build(first, "web.example.com", []));
        using var certificate = X509Certificate2.CreateFromPem(CertificateMaterial.Split(certificatePem).Leaf);

        using var second = store.CreateKey("mc-web"); // a renewal started; its certificate has not arrived yet

        var found = store.FindKeyFor("mc-web", certificate);
        Assert.NotNull(found);
        using var matched = ECDsa.Create();
        matched.ImportFromPem(found);
        Assert.Equal(first.ExportSubjectPublicKeyInfo(), matched.ExportSubjectPublicKeyInfo());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_folder["keys/mc-web.key.previous"]));
    }

    [Fact]
    public void No_key_is_found_for_a_certificate_made_for_another_key()
    {
        using var authority = new TestCertificateAuthority();
        var store = Store();
        using var mine = store.CreateKey("mc-web");
        var (chain, other) = authority.Issue("web.example.com");
        using (other)
        {
            using var certificate = X509Certificate2.CreateFromPem(CertificateMaterial.Split(chain).Leaf);
            Assert.Null(store.FindKeyFor("mc-web", certificate));
        }
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    public void A_certificate_id_that_is_not_a_plain_file_name_is_refused(string id) =>
        Assert.Throws<ArgumentException>(() => Store().CreateKey(id));

    private PrivateKeyStore Store() =>
        new(Microsoft.Extensions.Options.Options.Create(new AgentOptions { KeyDirectory = _folder["keys"] }));
}
