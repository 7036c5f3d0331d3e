using System.Globalization;
using Certctl.AgentIngest.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Certctl.AgentIngest.Heartbeats;

/// <summary>
/// <c>POST /api/v1/agents/{id}/heartbeat</c>: answered as soon as the heartbeat is in the buffer, without waiting for its
/// database write; 503 with <c>Retry-After</c> when the buffer is full.
/// </summary>
public static class HeartbeatEndpoint
{
    /// <summary>The body of a recorded heartbeat.</summary>
    public sealed record HeartbeatRecorded(string Status);

    private static readonly HeartbeatRecorded Recorded = new("heartbeat_recorded");

    public static Results<Ok<HeartbeatRecorded>, ValidationProblem, ProblemHttpResult> Record(
        string id, HeartbeatRequest? body, HttpResponse response, HeartbeatQueue queue, TimeProvider time, IOptions<AgentIngestOptions> options)
    {
        var errors = new FieldErrors()
            .Text("version", body?.Version).Text("hostname", body?.Hostname).Text("os", body?.Os)
            .Text("architecture", body?.Architecture).Text("ip_address", body?.IpAddress);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var heartbeat = new Heartbeat(id, time.GetUtcNow(), body?.Version ?? string.Empty, body?.Hostname ?? string.Empty, body?.Os ?? string.Empty,
            body?.Architecture ?? string.Empty, body?.IpAddress ?? string.Empty);
        if (!queue.TryEnqueue(heartbeat))
        {
            var retryAfter = options.Value.HeartbeatRetryAfterSeconds;
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem($"Heartbeats are not being written at the moment; try again in {retryAfter} s.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Heartbeat buffer full");
        }

        return TypedResults.Ok(Recorded);
    }
}
