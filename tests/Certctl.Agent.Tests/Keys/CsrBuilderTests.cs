using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Agent.Keys;

namespace Certctl.Agent.Tests.Keys;

public sealed class CsrBuilderTests
{
    [Fact]
    public void The_csr_carries_the_common_name_dns_sans_and_email_sans_and_is_signed_by_the_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var pem = CsrBuilder.Build(key, "web.example.com", ["web.example.com", "www.example.com", "ops@example.com"]);

        Assert.StartsWith("-----BEGIN CERTIFICATE REQUEST-----", pem);
        // Loading checks the CSR's self-signature.
        var request = CertificateRequest.LoadSigningRequestPem(pem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal("CN=web.example.com", request.SubjectName.Name);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), request.PublicKey.ExportSubjectPublicKeyInfo());
        var sans = Assert.Single(request.CertificateExtensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["web.example.com", "www.example.com"], sans.EnumerateDnsNames().ToList());
        // The e-mail SAN is an rfc822Name ([1] IA5String): the ASN.1 of the extension holds it as such.
        var reader = new System.Formats.Asn1.AsnReader(sans.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var emails = new List<string>();
        while (reader.HasData)
        {
            var tag = reader.PeekTag();
            if (tag.HasSameClassAndValue(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 1)))
            {
                emails.Add(reader.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, tag));
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }

        Assert.Equal(["ops@example.com"], emails);
    }

    [Fact]
    public void Without_sans_the_csr_has_no_san_extension()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var request = CertificateRequest.LoadSigningRequestPem(CsrBuilder.Build(key, "only-cn.example.com", null), HashAlgorithmName.SHA256);

        Assert.Empty(request.CertificateExtensions);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void An_empty_common_name_is_refused(string? commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Throws<ArgumentException>(() => CsrBuilder.Build(key, commonName, ["a.example.com"]));
    }
}
