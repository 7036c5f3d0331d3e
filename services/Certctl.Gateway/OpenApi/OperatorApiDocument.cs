using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Certctl.Gateway.OpenApi;

/// <summary>Fills in the operator API document: title, version, and the Bearer API-key scheme the UI can send.</summary>
internal sealed class OperatorApiDocument : IOpenApiDocumentTransformer
{
    /// <summary>The security scheme's name in <c>components.securitySchemes</c>.</summary>
    public const string BearerScheme = "Bearer";

    private static readonly string BuildVersion =
        typeof(OperatorApiDocument).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Certctl operator API",
            Version = BuildVersion,
            Description = "Inventory, jobs, bulk operations, issuers, policies and audit. Send an operator API key as `Authorization: Bearer <key>`.",
        };

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An operator API key (CERTCTL_API_KEYS_NAMED).",
        };
        return Task.CompletedTask;
    }
}
