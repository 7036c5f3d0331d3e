using System.Net;
using System.Text;

namespace Certctl.LoadTest.Tests.Scenarios;

/// <summary>An HttpMessageHandler that answers from a function and remembers what it was sent.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        var response = answer(request);
        response.RequestMessage = request;
        return Task.FromResult(response);
    }
}
