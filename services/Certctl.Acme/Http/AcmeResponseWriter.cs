using System.Text.Json;
using Certctl.Acme.Nonces;
using Certctl.Acme.Problems;
using Microsoft.Net.Http.Headers;

namespace Certctl.Acme.Http;

/// <summary>
/// Writes every ACME answer: a fresh <c>Replay-Nonce</c> (RFC 8555 §6.5: on every response, errors included),
/// <c>Link: &lt;directory&gt;;rel="index"</c> (§7.1), <c>Cache-Control: no-store</c>, <c>Retry-After</c>, and problem documents as
/// <c>application/problem+json</c>. Problems are counted by type.
/// </summary>
public sealed class AcmeResponseWriter(NonceService nonces)
{
    /// <summary>The header RFC 8555 §6.5.1 defines.</summary>
    public const string ReplayNonceHeader = "Replay-Nonce";

    public const string ProblemContentType = "application/problem+json";

    public Task WriteAsync(HttpContext context, AcmeUrls? urls, AcmeResponse response)
    {
        var http = context.Response;
        var headers = http.Headers;
        http.StatusCode = response.Status;
        headers[ReplayNonceHeader] = nonces.Issue();
        headers.CacheControl = response.CacheControl;
        if (urls is not null)
        {
            AppendLink(headers, urls.Directory, "index");
        }

        foreach (var (url, relation) in response.Links ?? [])
        {
            AppendLink(headers, url, relation);
        }

        if (response.Location is not null)
        {
            headers.Location = response.Location;
        }

        var retryAfter = response.Problem?.RetryAfter ?? response.RetryAfter;
        if (retryAfter is { } wait)
        {
            headers.RetryAfter = RetryAfterSeconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (response.Problem is { } problem)
        {
            AcmeMetrics.Problems.Add(1, new KeyValuePair<string, object?>("type", ProblemSuffix(problem.Type)));
            http.ContentType = ProblemContentType;
            return JsonSerializer.SerializeAsync(http.Body, ProblemDocument.From(problem, response.Status), AcmeJson.Options, context.RequestAborted);
        }

        if (response.RawBody is { } raw)
        {
            http.ContentType = response.ContentType ?? "application/octet-stream";
            http.ContentLength = raw.Length;
            return http.Body.WriteAsync(raw, context.RequestAborted).AsTask();
        }

        if (response.Body is null)
        {
            http.ContentLength = 0;
            return Task.CompletedTask;
        }

        http.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(http.Body, response.Body, response.Body.GetType(), AcmeJson.Options, context.RequestAborted);
    }

    /// <summary>Whole seconds, rounded up, at least 1 (a client must not poll in a tight loop).</summary>
    public static long RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds));

    private static void AppendLink(IHeaderDictionary headers, string url, string relation) =>
        headers.Append(HeaderNames.Link, string.Concat("<", url, ">;rel=\"", relation, "\""));

    private static string ProblemSuffix(string type) => type[(type.LastIndexOf(':') + 1)..];

    /// <summary>The RFC 7807 / RFC 8555 §6.7 document.</summary>
    private sealed record ProblemDocument(
        string Type, string Detail, int Status, Protocol.AcmeIdentifier? Identifier, IReadOnlyList<ProblemDocument>? Subproblems,
        IReadOnlyList<string>? Algorithms)
    {
        public static ProblemDocument From(AcmeProblem problem, int status) => new(
            problem.Type, problem.Detail, status, problem.Identifier,
            problem.Subproblems?.Select(sub => From(sub, sub.Status)).ToList(), problem.Algorithms);
    }
}
