using Certctl.Acme.Http;
using Certctl.Domain;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.RenewalInfo;

/// <summary>Answers one renewalInfo request: the checks in order, then the window and its <c>Retry-After</c>.</summary>
public sealed class RenewalInfoAnswer(
    RenewalInfoLookup lookup, IOptions<AcmeServerOptions> server, IOptions<AcmeRenewalInfoOptions> options, TimeProvider timeProvider,
    RenewalInfoMetrics metrics)
{
    public async Task<AcmeResponse> AnswerAsync(string? certId, CancellationToken cancellationToken)
    {
        if (!server.Value.RenewalInfoEnabled)
        {
            return Refuse("disabled", RenewalInfoProblems.Disabled);
        }

        if (!AriCertificateId.TryParse(certId, out var akiHex, out var serialHex))
        {
            return Refuse("malformed", RenewalInfoProblems.MalformedCertId);
        }

        var now = timeProvider.GetUtcNow();
        if (await lookup.FindAsync(akiHex, serialHex, now, cancellationToken) is not { } certificate)
        {
            return Refuse("unknown_certificate", RenewalInfoProblems.UnknownCertificate);
        }

        metrics.Request("window");
        return AcmeResponse.Ok(RenewalInfoDocument.From(SuggestedWindow.For(certificate, now))) with { RetryAfter = options.Value.RetryAfter };
    }

    private AcmeResponse Refuse(string outcome, Problems.AcmeProblem problem)
    {
        metrics.Request(outcome);
        return problem;
    }
}
