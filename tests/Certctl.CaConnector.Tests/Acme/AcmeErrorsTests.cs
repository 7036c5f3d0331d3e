using System.Net;
using Certctl.CaConnector.Issuers;
using Certctl.CaConnector.Issuers.Acme;
using Certctl.Issuance;

namespace Certctl.CaConnector.Tests.Acme;

/// <summary>Which ACME problems are transient, which are the operator's to fix, and which refuse the request for good.</summary>
public sealed class AcmeErrorsTests
{
    [Theory]
    [InlineData("rateLimited", 429)]
    [InlineData("serverInternal", 500)]
    [InlineData("badNonce", 400)]
    [InlineData(null, 503)]
    [InlineData("malformed", 502)]
    public void Busy_or_failing_CAs_are_transient_and_keep_the_Retry_After(string? name, int status)
    {
        var classified = AcmeErrors.Classify(Problem(name, status, TimeSpan.FromSeconds(42)), "iss-acme");

        var transient = Assert.IsType<IssuerUnavailableException>(classified);
        Assert.Equal(TimeSpan.FromSeconds(42), transient.RetryAfter);
    }

    [Theory]
    [InlineData("rejectedIdentifier")]
    [InlineData("unauthorized")]
    [InlineData("malformed")]
    [InlineData("badCSR")]
    [InlineData("caa")]
    public void Refusals_of_the_request_are_permanent(string name)
    {
        var classified = AcmeErrors.Classify(Problem(name, 400, null), "iss-acme");

        var rejected = Assert.IsType<IssuerRejectedException>(classified);
        Assert.Contains($"{name}: no you don't", rejected.Message);
        Assert.Contains("iss-acme", rejected.Message);
    }

    [Theory]
    [InlineData("externalAccountRequired")]
    [InlineData("accountDoesNotExist")]
    [InlineData("invalidContact")]
    public void Account_problems_are_for_the_operator(string name) =>
        Assert.IsType<CertificateAuthorityException>(AcmeErrors.Classify(Problem(name, 400, null), "iss-acme"));

    private static AcmeProblemException Problem(string? name, int status, TimeSpan? retryAfter) =>
        new((HttpStatusCode)status, new AcmeProblemDocument(name is null ? null : AcmeProblemException.Namespace + name, "no you don't", null), retryAfter, "new order");
}
