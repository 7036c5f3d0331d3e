using Certctl.Acme.Problems;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Http;

/// <summary>
/// Finds the profile a request addresses: <c>/acme/profile/{id}/…</c> names it, the <c>/acme/…</c> shorthand means
/// <c>CERTCTL_ACME_SERVER_DEFAULT_PROFILE_ID</c>. Unknown or disabled → 404 <c>userActionRequired</c>; shorthand without a default
/// → 403 <c>userActionRequired</c>.
/// </summary>
public sealed class AcmeProfileResolver(AcmeProfileCatalog catalog, IOptions<AcmeServerOptions> options)
{
    /// <summary>The route value carrying the profile id in per-profile routes.</summary>
    public const string ProfileRouteValue = "acmeProfileId";

    public async ValueTask<(AcmeProfile? Profile, AcmeUrls? Urls, AcmeProblem? Problem)> ResolveAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var named = context.Request.RouteValues[ProfileRouteValue] as string;
        var id = named ?? options.Value.DefaultProfileId;
        if (string.IsNullOrEmpty(id))
        {
            return (null, null, new AcmeProblem(AcmeProblemTypes.UserActionRequired,
                "no default ACME profile is configured: use /acme/profile/<id>/directory, or set CERTCTL_ACME_SERVER_DEFAULT_PROFILE_ID",
                StatusCodes.Status403Forbidden));
        }

        var profile = await catalog.FindAsync(id, cancellationToken);
        if (profile is null)
        {
            return (null, null, new AcmeProblem(AcmeProblemTypes.UserActionRequired, $"ACME profile '{id}' does not exist or is disabled",
                StatusCodes.Status404NotFound));
        }

        var prefix = named is null ? AcmeEndpoints.ShorthandPrefix : "/acme/profile/" + Uri.EscapeDataString(named);
        return (profile, AcmeUrls.For(context.Request, prefix), null);
    }
}
