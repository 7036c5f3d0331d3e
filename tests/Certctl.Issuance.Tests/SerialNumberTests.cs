using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Certctl.Issuance.Tests;

public sealed partial class SerialNumberTests
{
    [GeneratedRegex("^[1-9a-f][0-9a-f]{0,39}$")]
    private static partial Regex CanonicalHex();

    [Fact]
    public void Generated_serials_are_20_octets_positive_non_zero_and_use_all_159_bits()
    {
        const int Draws = 4_000;
        var serials = Enumerable.Range(0, Draws).Select(_ => CertificateSerialNumber.NewRandom()).ToList();

        Assert.All(serials, serial =>
        {
            Assert.Equal(20, serial.Length);
            Assert.Equal(0, serial[0] & 0x80);
            Assert.True(serial.AsSpan().ContainsAnyExcept((byte)0));
        });
        Assert.Equal(Draws, serials.Select(Convert.ToHexString).Distinct().Count());

        // Bit 158, the highest one in use, is set about half the time; so is the lowest. (±5 standard deviations.)
        var highBitSet = serials.Count(serial => (serial[0] & 0x40) != 0);
        var lowBitSet = serials.Count(serial => (serial[^1] & 0x01) != 0);
        Assert.InRange(highBitSet, 1_842, 2_158);
        Assert.InRange(lowBitSet, 1_842, 2_158);
    }

    [Fact]
    public void Issued_certificates_carry_unique_positive_serials_of_at_most_20_octets_in_canonical_hex()
    {
        var clock = TestPki.Clock();
        using var ca = TestPki.Root(clock);
        var authority = TestPki.Authority(ca, clock);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = TestPki.CsrPem(key);

        var issued = Enumerable.Range(0, 300).Select(_ => authority.IssueFromCsr(TestPki.Request(), csr, IssuanceProfile.Default)).ToList();

        Assert.Equal(issued.Count, issued.Select(result => result.SerialNumber).Distinct().Count());
        Assert.Equal(issued.Count, issued.Select(result => result.FingerprintSha256).Distinct().Count());
        foreach (var result in issued)
        {
            var der = TestPki.Leaf(result).SerialNumberBytes.Span;
            Assert.InRange(der.Length, 1, 20);
            Assert.Equal(0, der[0] & 0x80); // positive
            Assert.True(der.ContainsAnyExcept((byte)0));
            Assert.False(der.Length > 1 && der[0] == 0 && der[1] < 0x80); // minimal DER: a zero octet only as the sign of a high bit
            Assert.Matches(CanonicalHex(), result.SerialNumber);
            Assert.Equal(Convert.ToHexStringLower(der).TrimStart('0'), result.SerialNumber);
        }

        // With 159 random bits most serials fill all 20 octets; a shorter one is the 1-in-128 leading zero octet.
        Assert.True(issued.Count(result => TestPki.Leaf(result).SerialNumberBytes.Length == 20) > 250);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x0a, 0xbc }, "abc")]
    [InlineData(new byte[] { 0x7f, 0xff }, "7fff")]
    [InlineData(new byte[] { 0x00, 0x00 }, "0")]
    [InlineData(new byte[] { 0x01 }, "1")]
    public void The_text_form_is_lower_case_hex_without_leading_zeros(byte[] serial, string expected)
    {
        Assert.Equal(expected, CertificateSerialNumber.ToHex(serial));
    }
}
