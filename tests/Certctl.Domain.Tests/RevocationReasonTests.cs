using Certctl.Domain;

namespace Certctl.Domain.Tests;

public sealed class RevocationReasonTests
{
    [Theory]
    [InlineData(RevocationReason.Unspecified, 0)]
    [InlineData(RevocationReason.KeyCompromise, 1)]
    [InlineData(RevocationReason.CaCompromise, 2)]
    [InlineData(RevocationReason.AffiliationChanged, 3)]
    [InlineData(RevocationReason.Superseded, 4)]
    [InlineData(RevocationReason.CessationOfOperation, 5)]
    [InlineData(RevocationReason.CertificateHold, 6)]
    [InlineData(RevocationReason.PrivilegeWithdrawn, 9)]
    public void Each_reason_carries_its_rfc_5280_code(RevocationReason reason, int code)
    {
        Assert.Equal(code, reason.ToCode());
        Assert.True(RevocationReasons.TryFromCode(code, out var fromCode));
        Assert.Equal(reason, fromCode);
        Assert.True(RevocationReasons.TryParse(code.ToString(System.Globalization.CultureInfo.InvariantCulture), out var fromText));
        Assert.Equal(reason, fromText);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(8)] // removeFromCRL
    [InlineData(10)] // aACompromise
    [InlineData(-1)]
    [InlineData(11)]
    public void Unsupported_codes_are_rejected(int code)
    {
        Assert.False(RevocationReasons.TryFromCode(code, out _));
        Assert.False(RevocationReasons.TryParse(code.ToString(System.Globalization.CultureInfo.InvariantCulture), out _));
    }

    [Theory]
    [InlineData("keyCompromise", RevocationReason.KeyCompromise)]
    [InlineData("KEYCOMPROMISE", RevocationReason.KeyCompromise)]
    [InlineData("privilegeWithdrawn", RevocationReason.PrivilegeWithdrawn)]
    [InlineData("superseded", RevocationReason.Superseded)]
    public void Reasons_parse_from_their_names(string text, RevocationReason expected)
    {
        Assert.True(RevocationReasons.TryParse(text, out var reason));
        Assert.Equal(expected, reason);
    }

    [Theory]
    [InlineData("removeFromCRL")]
    [InlineData("aACompromise")]
    [InlineData("key_compromise")]
    [InlineData(" 1")]
    [InlineData("+1")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_text_is_rejected(string? text)
    {
        Assert.False(RevocationReasons.TryParse(text, out _));
    }

    [Fact]
    public void An_undefined_reason_has_no_code()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((RevocationReason)8).ToCode());
    }
}
