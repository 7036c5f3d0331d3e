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

    /// <summary>The key itself when it was just generated (shown this once), otherwise where it is kept.</summary>
    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        if (generatedNow)
        {
            var key = await parameter.Resource.GetValueAsync(cancellationToken);
            return $"{key}   (new; kept in the AppHost's user secrets, shown only this once)";
        }

        return fromEnvironment
            ? "the value of CERTCTL_API_KEY"
            : "in the AppHost's user secrets (dotnet user-secrets list --project Certctl.AppHost)";
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
