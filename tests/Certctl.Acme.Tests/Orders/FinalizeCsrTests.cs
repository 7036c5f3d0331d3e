using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Acme.Finalize;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;
using Certctl.Issuance;

namespace Certctl.Acme.Tests.Orders;

public sealed class FinalizeCsrTests
{
    private static readonly AcmeProfilePolicy Profile = new("prof-test", AcmeAuthMode.TrustAuthenticated, false, [], IssuanceProfile.Default);

    [Fact]
    public void A_csr_naming_exactly_the_order_identifiers_is_accepted_with_its_common_name()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var order = Order(new("dns", "www.example.com"), new("dns", "*.example.com"), new("ip", "192.0.2.7"));

        var (pem, commonName, problem) = FinalizeCsr.Check(Csr(key, "CN=WWW.example.com", ["*.example.com"], [IPAddress.Parse("192.0.2.7")]), order, Profile);

        Assert.Null(problem);
        Assert.Equal("www.example.com", commonName);
        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", pem);
    }

    [Fact]
    public void Without_a_subject_the_first_identifier_is_the_common_name()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (_, commonName, problem) = FinalizeCsr.Check(Csr(key, "", ["b.example.com", "a.example.com"]),
            Order(new("dns", "a.example.com"), new("dns", "b.example.com")), Profile);

        Assert.Null(problem);
        Assert.Equal("a.example.com", commonName);
    }

    [Fact]
    public void Names_missing_from_or_added_to_the_order_are_bad_csr()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var order = Order(new("dns", "a.example.com"), new("dns", "b.example.com"));

        var missing = FinalizeCsr.Check(Csr(key, "CN=a.example.com", []), order, Profile).Problem!;
        var extra = FinalizeCsr.Check(Csr(key, "", ["a.example.com", "b.example.com", "c.example.com"]), order, Profile).Problem!;

        Assert.Equal((AcmeProblemTypes.BadCsr, 400), (missing.Type, missing.Status));
        Assert.Contains("b.example.com", missing.Detail);
        Assert.Equal(AcmeProblemTypes.BadCsr, extra.Type);
        Assert.Contains("c.example.com", extra.Detail);
    }

    [Fact]
    public void Garbage_a_weak_key_and_a_forged_signature_are_bad_csr()
    {
        var order = Order(new AcmeIdentifier("dns", "a.example.com"));
        using var weak = RSA.Create(1024);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var good = Base64Url.DecodeFromChars(Csr(key, "CN=a.example.com", []));
        good[^1] ^= 0x01; // the signature's last byte

        foreach (var csr in new[] { null, "", "not*base64url", Base64Url.EncodeToString([1, 2, 3]), RsaCsr(weak), Base64Url.EncodeToString(good) })
        {
            var problem = FinalizeCsr.Check(csr, order, Profile).Problem;
            Assert.True(problem is { Type: AcmeProblemTypes.BadCsr, Status: 400 }, $"csr {csr}: {problem}");
        }
    }

    [Fact]
    public void A_key_the_profile_does_not_allow_is_bad_csr()
    {
        using var rsa = RSA.Create(2048);
        var ecdsaOnly = Profile with { Issuance = new IssuanceProfile { AllowedKeyAlgorithms = [new KeyAlgorithmRule(KeyAlgorithm.Ecdsa, 256)] } };

        var problem = FinalizeCsr.Check(RsaCsr(rsa), Order(new AcmeIdentifier("dns", "a.example.com")), ecdsaOnly).Problem;

        Assert.Equal(AcmeProblemTypes.BadCsr, problem!.Type);
    }

    internal static string Csr(ECDsa key, string subject, IEnumerable<string> dnsNames, IEnumerable<IPAddress>? addresses = null)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        AddNames(request, dnsNames, addresses);
        return Base64Url.EncodeToString(request.CreateSigningRequest());
    }

    private static string RsaCsr(RSA key)
    {
        var request = new CertificateRequest("CN=a.example.com", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Base64Url.EncodeToString(request.CreateSigningRequest());
    }

    private static void AddNames(CertificateRequest request, IEnumerable<string> dnsNames, IEnumerable<IPAddress>? addresses)
    {
        var names = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
            any = true;
        }

        foreach (var address in addresses ?? [])
        {
            names.AddIpAddress(address);
            any = true;
        }

        if (any)
        {
            request.CertificateExtensions.Add(names.Build());
        }
    }

    private static AcmeOrder Order(params AcmeIdentifier[] identifiers) =>
        new("ord-1", "acct-1", "prof-test", AcmeStatus.Ready, identifiers, null, null, DateTimeOffset.UtcNow.AddDays(1), null, null, null, []);
}
