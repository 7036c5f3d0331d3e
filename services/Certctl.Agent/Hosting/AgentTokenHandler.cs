using System.Net.Http.Headers;
using Certctl.Agent.State;

namespace Certctl.Agent.Hosting;

/// <summary>Sends the per-agent token as <c>Authorization: Bearer</c> on every call that does not carry its own (registration does).</summary>
public sealed class AgentTokenHandler(IServiceProvider services) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Resolved late: the session needs the API client this handler belongs to.
        if (request.Headers.Authorization is null && services.GetRequiredService<AgentSession>().Credentials is { } credentials)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.Token);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
