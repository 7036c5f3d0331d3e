using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Certctl.Secrets;

/// <summary>Registers the configuration cipher with its key validated on start.</summary>
public static class ConfigurationCipherServiceExtensions
{
    /// <summary>Adds <see cref="ConfigurationCipher"/>; start fails with a message naming <c>CERTCTL_CONFIG_ENCRYPTION_KEY</c> when it is missing or malformed.</summary>
    public static IServiceCollection AddConfigurationCipher(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ConfigurationEncryptionOptions>().Bind(configuration).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConfigurationEncryptionOptions>, ConfigurationEncryptionOptionsValidator>());
        services.TryAddSingleton<ConfigurationCipher>();
        return services;
    }

    private sealed class ConfigurationEncryptionOptionsValidator : IValidateOptions<ConfigurationEncryptionOptions>
    {
        public ValidateOptionsResult Validate(string? name, ConfigurationEncryptionOptions options) =>
            ConfigurationEncryptionOptions.Problem(options.Key) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
