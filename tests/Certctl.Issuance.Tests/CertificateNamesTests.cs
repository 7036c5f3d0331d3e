using System.Net;

namespace Certctl.Issuance.Tests;

public sealed class CertificateNamesTests
{
    [Fact]
    public void Names_are_normalised_de_duplicated_and_grouped()
    {
        var names = CertificateNames.Normalize(
            "WWW.Example.COM.",
            ["b.example.com", "::1", "www.example.com", "Bob@Example.COM", "10.0.0.10", "10.0.0.9", "B.EXAMPLE.COM", "urn:x"]);

        Assert.Equal("www.example.com", names.CommonName);
        Assert.Equal(["b.example.com", "www.example.com"], names.DnsNames);
        Assert.Equal([IPAddress.Parse("10.0.0.9"), IPAddress.Parse("10.0.0.10"), IPAddress.IPv6Loopback], names.IpAddresses);
        Assert.Equal(["Bob@example.com"], names.EmailAddresses);
        Assert.Equal([new Uri("urn:x")], names.Uris);
    }

    [Fact]
    public void An_ip_or_email_common_name_is_kept_in_the_sans()
    {
        Assert.Equal([IPAddress.Parse("192.0.2.7")], CertificateNames.Normalize("192.0.2.7", []).IpAddresses);
        Assert.Equal(["ops@example.com"], CertificateNames.Normalize("ops@EXAMPLE.com", []).EmailAddresses);
        Assert.Equal(["localhost"], CertificateNames.Normalize("localhost", []).DnsNames);
    }

    [Fact]
    public void A_display_name_common_name_stays_in_the_subject_only()
    {
        var names = CertificateNames.Normalize("Payments Service – Zürich", ["payments.example.com"]);

        Assert.Equal("Payments Service – Zürich", names.CommonName);
        Assert.Equal(["payments.example.com"], names.SubjectAlternativeNames);
    }

    [Fact]
    public void Subject_alternative_names_list_in_extension_order()
    {
        var names = CertificateNames.Normalize(null, ["spiffe://example.org/a", "x@example.com", "2001:db8::2", "192.0.2.1", "z.example.com", "a.example.com"]);

        Assert.Equal(["a.example.com", "z.example.com", "192.0.2.1", "2001:db8::2", "x@example.com", "spiffe://example.org/a"], names.SubjectAlternativeNames);
    }

    [Theory]
    [InlineData("a..example.com")]
    [InlineData("-a.example.com")]
    [InlineData("a-.example.com")]
    [InlineData("under_score.example.com")]
    [InlineData("bücher.example")]
    [InlineData("*.*.example.com")]
    [InlineData("api.*.example.com")]
    [InlineData("*")]
    [InlineData("example.123")]
    [InlineData("1.2.3")]
    [InlineData("010.0.0.1")]
    [InlineData("256.0.0.1")]
    [InlineData("fe80::1%eth0")]
    [InlineData("not::an::ip")]
    [InlineData("a b@example.com")]
    [InlineData("@example.com")]
    [InlineData("x@*.example.com")]
    [InlineData("spiffe://exa mple.org/a")]
    [InlineData(" ")]
    public void Malformed_sans_are_rejected(string san)
    {
        var error = Assert.Throws<InvalidNameException>(() => CertificateNames.Normalize("api.example.com", [san]));

        Assert.Equal(IssuanceRejection.InvalidName, error.Reason);
    }

    [Theory]
    [InlineData("evil\u202Egro.example.com")] // right-to-left override
    [InlineData("api\u200B.example.com")] // zero-width space
    [InlineData("line\nbreak")]
    [InlineData("bad..dns.example.com")]
    [InlineData("300.1.1.1")]
    public void Unsafe_or_malformed_common_names_are_rejected(string commonName)
    {
        Assert.Throws<InvalidNameException>(() => CertificateNames.Normalize(commonName, ["api.example.com"]));
    }

    [Fact]
    public void A_common_name_longer_than_64_characters_is_rejected()
    {
        var longName = new string('a', 60) + ".com" + "x";

        Assert.Throws<InvalidNameException>(() => CertificateNames.Normalize(longName, ["api.example.com"]));
    }

    [Fact]
    public void A_certificate_needs_a_name_and_not_too_many()
    {
        Assert.Throws<InvalidNameException>(() => CertificateNames.Normalize(null, []));
        Assert.Throws<InvalidNameException>(() => CertificateNames.Normalize("Display Name Only", []));
        Assert.Throws<InvalidNameException>(() => CertificateNames.Normalize(null, Enumerable.Range(0, 101).Select(i => $"h{i}.example.com")));
        Assert.Equal(100, CertificateNames.Normalize(null, Enumerable.Range(0, 100).Select(i => $"h{i}.example.com")).DnsNames.Count);
    }

    [Fact]
    public void A_wildcard_and_a_punycode_name_are_accepted()
    {
        var names = CertificateNames.Normalize(null, ["*.apps.example.com", "xn--bcher-kva.example"]);

        Assert.Equal(["*.apps.example.com", "xn--bcher-kva.example"], names.DnsNames);
    }
}
