using Certctl.CaConnector.Issuers.DigiCert;
using Certctl.CaConnector.Issuers.Sectigo;
using Certctl.CaConnector.Polling;
using Certctl.Issuance;

namespace Certctl.CaConnector.Tests;

/// <summary>Where an async issuer's settings come from: its configuration, then its vendor's variables, then the global ones.</summary>
public sealed class AsyncIssuerSettingsTests
{
    [Theory]
    [InlineData(30, 60, 90, 30)]
    [InlineData(null, 60, 90, 60)]
    [InlineData(0, 60, 90, 60)]
    [InlineData(null, 0, 90, 90)]
    [InlineData(null, 0, 0, 600)]
    public void The_poll_deadline_is_the_issuer_s_then_the_vendor_s_then_the_global_then_10_minutes(
        int? issuerSeconds, int vendorSeconds, int globalSeconds, int expectedSeconds)
    {
        var options = new AsyncPollOptions { MaxWaitSeconds = globalSeconds };

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), options.MaxWaitFor(issuerSeconds, vendorSeconds));
    }

    [Fact]
    public void A_DigiCert_configuration_takes_the_original_s_defaults_and_fills_gaps_from_the_environment()
    {
        var configuration = DigiCertConfiguration.Parse("iss-dc", """{"org_id":"77"}""", new DigiCertOptions { ApiKey = "from-env" });

        Assert.Equal(("from-env", 77L), (configuration.ApiKey, configuration.OrgId));
        Assert.Equal(("ssl_basic", "https://www.digicert.com/services/v2"), (configuration.ProductType, configuration.BaseUrl));
    }

    [Theory]
    [InlineData("""{"org_id":77}""")]
    [InlineData("""{"api_key":"k"}""")]
    [InlineData("""{"api_key":"k","org_id":77,"base_url":"ftp://example.com"}""")]
    [InlineData("""{"api_key":"k","org_id":77,"product_type":"../user/me"}""")]
    [InlineData("""not json""")]
    public void An_incomplete_or_unsafe_DigiCert_configuration_is_an_operator_error(string json) =>
        Assert.Throws<CertificateAuthorityException>(() => DigiCertConfiguration.Parse("iss-dc", json, new DigiCertOptions()));

    [Fact]
    public void A_Sectigo_configuration_takes_the_original_s_defaults_and_fills_gaps_from_the_environment()
    {
        var defaults = new SectigoOptions { Login = "env-login", Password = "env-password", OrgId = 9 };

        var configuration = SectigoConfiguration.Parse("iss-sg", """{"customer_uri":"acme","org_id":12}""", defaults);

        Assert.Equal(("acme", "env-login", "env-password", 12), (configuration.CustomerUri, configuration.Login, configuration.Password, configuration.OrgId));
        Assert.Equal((365, "https://cert-manager.com/api"), (configuration.Term, configuration.BaseUrl));
        Assert.Throws<CertificateAuthorityException>(() => SectigoConfiguration.Parse("iss-sg", """{"customer_uri":"acme"}""", new SectigoOptions()));
    }
}
