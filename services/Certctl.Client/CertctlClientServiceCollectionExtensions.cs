using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace Certctl.Client;

/// <summary>Registers <see cref="ICertctlApi"/> as a typed HttpClient (so service defaults such as resilience apply).</summary>
public static class CertctlClientServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ICertctlApi"/> for the gateway at <paramref name="baseAddress"/>, authenticating with <paramref name="apiKey"/>.</summary>
    public static IHttpClientBuilder AddCertctlClient(this IServiceCollection services, Uri baseAddress, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        return services.AddRefitGeneratedClient<ICertctlApi>(CertctlClientSettings.Create())
            .ConfigureHttpClient(client => client.BaseAddress = baseAddress)
            .AddHttpMessageHandler(() => new BearerApiKeyHandler(apiKey));
    }
}
