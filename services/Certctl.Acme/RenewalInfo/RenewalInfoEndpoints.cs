using Certctl.Acme.Http;

namespace Certctl.Acme.RenewalInfo;

/// <summary>
/// <c>GET|HEAD /acme/renewal-info/{certID}</c> and <c>/acme/profile/{id}/renewal-info/{certID}</c> (RFC 9773 §4.2): unauthenticated,
/// answered from one indexed query over the whole inventory, whichever profile or issuer the certificate came from.
/// </summary>
public static class RenewalInfoEndpoints
{
    /// <summary>The path segment of the directory's <c>renewalInfo</c> URL (<see cref="AcmeUrls.RenewalInfo"/>); clients append <c>/{certID}</c>.</summary>
    public const string Segment = "renewal-info";

    /// <summary>The route value of the certificate identifier.</summary>
    public const string CertIdRouteValue = "certId";

    public static IEndpointRouteBuilder MapAcmeRenewalInfo(this IEndpointRouteBuilder endpoints) =>
        // Catch-all, so that an identifier with a slash (or none at all) is a malformed problem, not the framework's bare 404.
        endpoints.MapAcmeGet($"/{Segment}/{{**{CertIdRouteValue}}}", (context, _, _, cancellationToken) =>
            context.RequestServices.GetRequiredService<RenewalInfoAnswer>()
                .AnswerAsync(context.Request.RouteValues[CertIdRouteValue] as string, cancellationToken));
}
