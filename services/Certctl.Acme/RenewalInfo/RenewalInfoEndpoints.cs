namespace Certctl.Acme.RenewalInfo;

/// <summary>
/// <c>GET|HEAD /acme/renewal-info/{certID}</c> and <c>/acme/profile/{id}/renewal-info/{certID}</c> (RFC 9773 §4.2): unauthenticated,
/// answered from one indexed query over the whole inventory, whichever profile or issuer the certificate came from.
/// </summary>
public static class RenewalInfoEndpoints
{
    /// <summary>The path segment the directory's <c>renewalInfo</c> URL ends with; clients append <c>/{certID}</c>.</summary>
    public const string Segment = "renewal-info";

    public static IEndpointRouteBuilder MapAcmeRenewalInfo(this IEndpointRouteBuilder endpoints)
    {
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        // Catch-all, so that an identifier with a slash (or none at all) is a malformed problem, not the framework's bare 404.
        endpoints.MapMethods($"/acme/{Segment}/{{**certId}}", methods,
                (string? certId, RenewalInfoAnswer answer, HttpContext context, CancellationToken cancellationToken) =>
                    answer.AnswerAsync(null, certId, context, cancellationToken))
            .WithName("AcmeRenewalInfo").WithSummary("RFC 9773 renewal information for the default profile's URL family.");
        endpoints.MapMethods($"/acme/profile/{{profileId}}/{Segment}/{{**certId}}", methods,
                (string profileId, string? certId, RenewalInfoAnswer answer, HttpContext context, CancellationToken cancellationToken) =>
                    answer.AnswerAsync(profileId, certId, context, cancellationToken))
            .WithName("AcmeProfileRenewalInfo").WithSummary("RFC 9773 renewal information under a profile's URL family.");
        return endpoints;
    }
}
