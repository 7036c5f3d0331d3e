using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Certctl.AppHost;

/// <summary>
/// The operator API key: <c>CERTCTL_API_KEY</c> from the environment when set, otherwise generated on the first run
/// and kept in the AppHost's user secrets. The gateway receives it and stores only its hash.
/// </summary>
internal sealed class OperatorApiKey(IResourceBuilder<ParameterResource> parameter, bool generatedNow, bool fromEnvironment)
{
    private const string ParameterName = "certctl-api-key";

    /// <summary>The gateway's named-key setting: the key is called <c>operator</c> and is an admin.</summary>
    public ReferenceExpression NamedKeysExpression => ReferenceExpression.Create($"operator:{parameter.Resource}:admin");

    /// <summary>Prints the gateway URL once the gateway is healthy, and the key itself only when it was just generated.</summary>
    public void AnnounceWhenReady(IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> gateway, int port)
    {
        builder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, async (_, cancellationToken) =>
        {
            var url = $"http://localhost:{port}";
            Console.WriteLine();
            Console.WriteLine($"  Certctl gateway:  {url}   (health: {url}/health)");
            if (generatedNow)
            {
                var key = await parameter.Resource.GetValueAsync(cancellationToken);
                Console.WriteLine($"  Operator API key: {key}   (new; kept in the AppHost's user secrets, shown only this once)");
            }
            else
            {
                Console.WriteLine(fromEnvironment
                    ? "  Operator API key: the value of CERTCTL_API_KEY"
                    : "  Operator API key: in the AppHost's user secrets (dotnet user-secrets list --project Certctl.AppHost)");
            }

            Console.WriteLine();
        });
    }

    public static OperatorApiKey Create(IDistributedApplicationBuilder builder)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("CERTCTL_API_KEY");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return new OperatorApiKey(builder.AddParameter(ParameterName, fromEnvironment, secret: true), generatedNow: false, fromEnvironment: true);
        }

        var alreadyKept = !string.IsNullOrEmpty(builder.Configuration[$"Parameters:{ParameterName}"]);
        var parameter = builder.AddParameter(ParameterName, new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
        return new OperatorApiKey(parameter, generatedNow: !alreadyKept, fromEnvironment: false);
    }
}

/// <summary>Registers the operator API key.</summary>
internal static class OperatorApiKeyExtensions
{
    public static OperatorApiKey AddOperatorApiKey(this IDistributedApplicationBuilder builder) => OperatorApiKey.Create(builder);
}
