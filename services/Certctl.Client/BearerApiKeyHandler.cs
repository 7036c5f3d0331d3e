using System.Net.Http.Headers;

namespace Certctl.Client;

/// <summary>Sends the operator API key as <c>Authorization: Bearer &lt;key&gt;</c> on every request.</summary>
public sealed class BearerApiKeyHandler : DelegatingHandler
{
    private readonly AuthenticationHeaderValue _authorization;

    /// <summary>Creates the handler for one key; the key must not be empty.</summary>
    public BearerApiKeyHandler(string apiKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        _authorization = new AuthenticationHeaderValue("Bearer", apiKey);
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = _authorization;
        return base.SendAsync(request, cancellationToken);
    }
}
