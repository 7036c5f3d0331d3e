using System.Reflection;

namespace Certctl.Gateway;

/// <summary><c>GET /api/v1/version</c>: which build of Certctl answers.</summary>
public static class VersionEndpoints
{
    private static readonly VersionInfo Current = new(
        typeof(VersionEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");

    /// <summary>Maps the version endpoint.</summary>
    public static IEndpointRouteBuilder MapVersionEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/version", GetVersion).WithName("GetVersion").WithSummary("The running Certctl version.");
        return routes;
    }

    private static VersionInfo GetVersion() => Current;

    /// <summary>The version document.</summary>
    public sealed record VersionInfo(string Version);
}
