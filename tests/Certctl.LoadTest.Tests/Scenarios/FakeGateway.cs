using System.Net;

namespace Certctl.LoadTest.Tests.Scenarios;

/// <summary>
/// A stand-in for the gateway on 127.0.0.1 with just what the operator-API scenarios call: the certificate list (ETag, 304)
/// and bulk-renew (the first call creates every job, later calls skip them), both behind <c>Bearer k3y</c>.
/// </summary>
internal sealed class FakeGateway : IDisposable
{
    public const string Key = "k3y";
    public const int Certificates = 10;
    private const string Tag = "\"v1\"";

    private readonly LoopbackServer server;
    private int renewals;

    public FakeGateway() => server = new LoopbackServer((request, response) => Task.FromResult(Answer(request, response)));

    public string BaseUrl => server.BaseUrl;

    public void Dispose() => server.Dispose();

    private (int Status, string Body) Answer(HttpListenerRequest request, HttpListenerResponse response)
    {
        if (request.Headers["Authorization"] != $"Bearer {Key}")
        {
            return (401, """{"title":"Unauthorized","status":401}""");
        }

        switch (request.HttpMethod, request.Url!.AbsolutePath)
        {
            case ("GET", "/api/v1/certificates"):
                response.Headers["ETag"] = Tag;
                return request.Headers["If-None-Match"] == Tag
                    ? (304, string.Empty)
                    : (200, """{"data":[{"id":"mc-loadtest-bulk-00001"}],"next_cursor":null,"limit":100}""");
            case ("POST", "/api/v1/certificates/bulk-renew"):
                var created = Interlocked.Increment(ref renewals) == 1 ? Certificates : 0;
                var skipped = created == 0 ? $$"""{"renewal already active":{{Certificates}}}""" : "{}";
                return (200, $$"""{"matched":{{Certificates}},"created":{{created}},"skipped":{{skipped}},"failed":0,"job_ids":[],"job_ids_truncated":false}""");
            default:
                return (404, string.Empty);
        }
    }
}
