using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Domain.Tests;

public sealed class AriCertificateIdTests
{
    // RFC 9773 §4.1's example: keyIdentifier 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4, serial 00:87:65:43:21.
    private const string RfcKeyIdentifierHex = "69885b6b87464041e1b37b847ba0ae2cde01c8d4";
    private const string RfcCertificateId = "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE";

    [Fact]
    public void The_rfc_example_keyidentifier_and_serial_give_the_rfc_certid()
    {
        Assert.Equal(RfcCertificateId, AriCertificateId.From(Convert.FromHexString(RfcKeyIdentifierHex), [0x00, 0x87, 0x65, 0x43, 0x21]));
    }

    [Fact]
    public void The_stored_hex_forms_give_the_same_certid_with_the_serials_leading_zero_octet_restored()
    {
        // certificate_versions keeps the serial as the unsigned value without leading zeros: "87654321".
        Assert.Equal(RfcCertificateId, AriCertificateId.FromStoredHex(RfcKeyIdentifierHex, "87654321"));
    }

    [Theory]
    [InlineData("0", "AA")]
    [InlineData("1", "AQ")]
    [InlineData("7f", "fw")]
    [InlineData("80", "AIA")]
    [InlineData("abc", "Crw")]
    [InlineData("00123456", "EjRW")]
    public void Serials_encode_as_minimal_positive_der_integers(string serialHex, string expectedBase64Url)
    {
        Assert.Equal("aYhba4dGQEHhs3uEe6CuLN4ByNQ." + expectedBase64Url, AriCertificateId.FromStoredHex(RfcKeyIdentifierHex, serialHex));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_version_without_an_authority_key_identifier_has_no_certid(string? akiHex)
    {
        Assert.Null(AriCertificateId.FromStoredHex(akiHex, "87654321"));
    }

    [Fact]
    public void A_certificate_with_the_rfc_aki_and_serial_has_the_rfc_certid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ari.example", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(Convert.FromHexString(RfcKeyIdentifierHex)));
        using var issuer = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var certificate = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(key),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [0x00, 0x87, 0x65, 0x43, 0x21]);

        Assert.Equal(RfcCertificateId, AriCertificateId.Of(certificate));
        Assert.Equal(RfcCertificateId, AriCertificateId.FromStoredHex(RfcKeyIdentifierHex, AriCertificateId.SerialNumberHex(certificate.SerialNumberBytes.Span)));
    }

    [Fact]
    public void A_certificate_without_an_aki_has_no_certid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=no-aki.example", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.Null(AriCertificateId.Of(certificate));
    }

    [Fact]
    public void Parses_the_rfc_example_into_the_stored_forms()
    {
        Assert.True(AriCertificateId.TryParse(RfcCertificateId, out var akiHex, out var serialHex));
        Assert.Equal(RfcKeyIdentifierHex, akiHex);
        Assert.Equal("87654321", serialHex);
    }

    [Theory]
    [InlineData("0", "AA")]
    [InlineData("7f", "fw")]
    [InlineData("80", "AIA")]
    [InlineData("123456", "EjRW")]
    public void Parsing_inverts_building(string serialHex, string serialBase64Url)
    {
        Assert.True(AriCertificateId.TryParse("aYhba4dGQEHhs3uEe6CuLN4ByNQ." + serialBase64Url, out _, out var parsed));
        Assert.Equal(serialHex, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("aYhba4dGQEHhs3uEe6CuLN4ByNQ")]
    [InlineData(".AIdlQyE")]
    [InlineData("aYhba4dGQEHhs3uEe6CuLN4ByNQ.")]
    [InlineData("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE.AA")]
    [InlineData("aYhba4dGQEHhs3uEe6CuLN4ByNQ=.AIdlQyE")]
    [InlineData("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE=")]
    [InlineData("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdl+yE")]
    [InlineData("aYhba4dGQEHhs3uEe6CuLN4ByNQ.A")]
    [InlineData("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AAE")]
    [InlineData("aYhba4dGQEHhs3uEe6CuLN4ByNQ.gA")]
    public void Refuses_malformed_identifiers(string? certificateId)
    {
        Assert.False(AriCertificateId.TryParse(certificateId, out _, out _));
    }
}
