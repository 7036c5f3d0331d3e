using Scalar.AspNetCore;

namespace Certctl.Gateway.OpenApi;

/// <summary>The operator API's OpenAPI document (<c>/openapi/v1.json</c>) and its browsable reference (<c>/scalar</c>).</summary>
public static class OpenApiExtensions
{
    /// <summary>The document's name, and so its URL: <c>/openapi/v1.json</c>.</summary>
    public const string DocumentName = "v1";

    /// <summary>Generates the document from the mapped endpoints; schemas follow the HTTP JSON options (snake_case).</summary>
    public static WebApplicationBuilder AddGatewayOpenApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer<OperatorApiDocument>();
            options.AddOperationTransformer<KeyedOperations>();
        });
        return builder;
    }

    /// <summary>
    /// Maps the document and the Scalar UI, anonymous and in every environment: operators read them in production too,
    /// and they describe the API without exposing data.
    /// </summary>
    public static WebApplication MapGatewayOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(options => options
                .WithTitle("Certctl operator API")
                .AddPreferredSecuritySchemes(OperatorApiDocument.BearerScheme)
                // Nothing leaves the operator's network: no telemetry, AI agent, MCP or web fonts from a CDN.
                .DisableTelemetry()
                .DisableDefaultFonts()
                .DisableAgent()
                .DisableMcp())
            .AllowAnonymous();
        return app;
    }
}
