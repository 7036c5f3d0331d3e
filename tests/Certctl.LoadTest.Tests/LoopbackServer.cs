using System.Net;
using System.Text;

namespace Certctl.LoadTest.Tests;

/// <summary>An HTTP server on 127.0.0.1 and a free port that answers every request with <paramref name="answer"/>; the stand-ins build on it.</summary>
internal sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Func<HttpListenerRequest, HttpListenerResponse, Task<(int Status, string Body)>> answer;
    private readonly Task loop;

    /// <param name="answer">Status and body for a request; it may set headers on the response. A non-empty body is sent as JSON unless the answer set a content type.</param>
    public LoopbackServer(Func<HttpListenerRequest, HttpListenerResponse, Task<(int Status, string Body)>> answer)
    {
        this.answer = answer;
        BaseUrl = $"http://127.0.0.1:{Certctl.Testing.FreePort.Next()}/";
        listener.Prefixes.Add(BaseUrl);
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public string BaseUrl { get; }

    public void Dispose()
    {
        listener.Close();
        _ = loop.Wait(TimeSpan.FromSeconds(5));
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var (status, body) = await answer(context.Request, context.Response);
            context.Response.StatusCode = status;
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.ContentLength64 = bytes.Length;
            if (bytes.Length > 0)
            {
                context.Response.ContentType ??= "application/json";
                await context.Response.OutputStream.WriteAsync(bytes);
            }

            context.Response.Close();
        }
    }
}
