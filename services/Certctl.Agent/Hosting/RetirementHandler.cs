using System.Net;

namespace Certctl.Agent.Hosting;

/// <summary>Turns a <c>410 Gone</c> on any call into the agent's retirement: a clean stop with exit code 0.</summary>
public sealed class RetirementHandler(AgentRetirement retirement) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Gone)
        {
            retirement.Retire($"{request.Method} {request.RequestUri?.AbsolutePath} answered 410 Gone");
        }

        return response;
    }
}
