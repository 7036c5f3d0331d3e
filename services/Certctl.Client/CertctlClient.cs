using Refit;

namespace Certctl.Client;

/// <summary>Builds an <see cref="ICertctlApi"/> without dependency injection (tests, one-off tools).</summary>
public static class CertctlClient
{
    /// <summary>A client for the gateway at <paramref name="baseAddress"/> that sends <paramref name="apiKey"/>.</summary>
    public static ICertctlApi Create(Uri baseAddress, string apiKey) =>
        Create(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }, baseAddress, apiKey);

    /// <summary>As <see cref="Create(Uri, string)"/>, sending through <paramref name="innerHandler"/> (e.g. an in-memory test server).</summary>
    public static ICertctlApi Create(HttpMessageHandler innerHandler, Uri baseAddress, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(innerHandler);
        ArgumentNullException.ThrowIfNull(baseAddress);
        var httpClient = new HttpClient(new BearerApiKeyHandler(apiKey) { InnerHandler = innerHandler }) { BaseAddress = baseAddress };
        return RestService.ForGenerated<ICertctlApi>(httpClient, CertctlClientSettings.Create());
    }
}
