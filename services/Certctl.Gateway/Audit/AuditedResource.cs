using Microsoft.AspNetCore.Routing.Patterns;

namespace Certctl.Gateway.Audit;

/// <summary>What an operator API call acted on, from its route: <c>/api/v1/certificates/{id}/renew</c> → (<c>certificates</c>, the id).</summary>
public readonly record struct AuditedResource(string Type, string Id)
{
    /// <summary>
    /// The type is the first path segment after <c>/api/v1</c>; the id is the value of the route's first parameter, or,
    /// for a create without one, the last segment of the <c>Location</c> the endpoint answered with. Never the query string.
    /// </summary>
    public static AuditedResource Of(HttpContext context)
    {
        var remaining = context.Request.Path.StartsWithSegments(GatewayCoreExtensions.OperatorApiPath, out var rest) ? rest : context.Request.Path;
        var segments = (remaining.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var type = segments.Length > 0 ? segments[0] : "api";
        return new AuditedResource(type, RouteId(context) ?? LocationId(context) ?? string.Empty);
    }

    private static string? RouteId(HttpContext context)
    {
        if (context.GetEndpoint() is not RouteEndpoint { RoutePattern.Parameters: [RoutePatternParameterPart first, ..] })
        {
            return null;
        }

        return context.Request.RouteValues.TryGetValue(first.Name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static string? LocationId(HttpContext context)
    {
        var location = context.Response.Headers.Location.ToString();
        if (location.Length == 0 || !Uri.TryCreate(location, UriKind.RelativeOrAbsolute, out var uri))
        {
            return null;
        }

        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : location.Split('?', '#')[0];
        var last = path.TrimEnd('/').Split('/')[^1];
        return last.Length > 0 ? Uri.UnescapeDataString(last) : null;
    }
}
