using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Certctl.Gateway.OpenApi;

/// <summary>Marks the operations that need an operator key (authorization metadata, or a fallback policy) with the Bearer scheme.</summary>
internal sealed class KeyedOperations : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (await NeedsKeyAsync(context))
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OperatorApiDocument.BearerScheme, context.Document)] = [] }];
        }
    }

    private static async Task<bool> NeedsKeyAsync(OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return false;
        }

        if (metadata.OfType<IAuthorizeData>().Any() || metadata.OfType<AuthorizationPolicy>().Any())
        {
            return true;
        }

        // Endpoints without metadata are open unless a fallback policy covers them.
        var policies = context.ApplicationServices.GetService<IAuthorizationPolicyProvider>();
        return policies is not null && await policies.GetFallbackPolicyAsync() is not null;
    }
}
