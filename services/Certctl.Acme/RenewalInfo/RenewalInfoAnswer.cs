using System.Globalization;
using Certctl.Domain;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.RenewalInfo;

/// <summary>Answers one renewalInfo request: the checks in order, then the window and its Retry-After.</summary>
public sealed class RenewalInfoAnswer(
    RenewalInfoLookup lookup, IOptions<AcmeRenewalInfoOptions> options, TimeProvider timeProvider, RenewalInfoMetrics metrics)
{
    public async Task<IResult> AnswerAsync(string? profileId, string? certId, HttpContext context, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!options.Value.Enabled)
        {
            return Refuse("disabled", RenewalInfoProblems.Disabled);
        }

        if (!AriCertificateId.TryParse(certId, out var akiHex, out var serialHex))
        {
            return Refuse("malformed", RenewalInfoProblems.MalformedCertId);
        }

        var now = timeProvider.GetUtcNow();
        var (profileFound, certificate) = await lookup.FindAsync(profileId, akiHex, serialHex, now, cancellationToken);
        if (!profileFound)
        {
            return Refuse("unknown_profile", RenewalInfoProblems.UnknownProfile);
        }

        if (certificate is null)
        {
            return Refuse("unknown_certificate", RenewalInfoProblems.UnknownCertificate);
        }

        metrics.Request("window");
        context.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Json(RenewalInfoDocument.From(SuggestedWindow.For(certificate, now)));
    }

    private IResult Refuse(string outcome, Problems.AcmeProblem problem)
    {
        metrics.Request(outcome);
        return RenewalInfoProblems.Render(problem);
    }
}
