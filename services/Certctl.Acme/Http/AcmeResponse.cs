using Certctl.Acme.Problems;

namespace Certctl.Acme.Http;

/// <summary>
/// What an ACME endpoint answers: a status with a JSON body (or raw bytes, e.g. a PEM chain), optional <c>Location</c>,
/// extra <c>Link</c> relations and <c>Retry-After</c>; or an <see cref="AcmeProblem"/>. The pipeline adds <c>Replay-Nonce</c>,
/// <c>Link: &lt;directory&gt;;rel="index"</c> and <c>Cache-Control: no-store</c> to every answer, problems included.
/// An <see cref="AcmeProblem"/> converts implicitly, so a handler can <c>return problem;</c>; set the optional parts with
/// <c>AcmeResponse.Ok(body) with { RetryAfter = … }</c>.
/// </summary>
public sealed record AcmeResponse
{
    private AcmeResponse(int status, object? body, AcmeProblem? problem)
    {
        Status = status;
        Body = body;
        Problem = problem;
    }

    public int Status { get; }

    /// <summary>Serialized as ACME JSON (camelCase, nulls omitted); ignored when <see cref="RawBody"/> is set.</summary>
    public object? Body { get; }

    /// <summary>Set for an error answer; then the body is the problem document.</summary>
    public AcmeProblem? Problem { get; }

    /// <summary>Bytes sent as they are, with <see cref="ContentType"/>.</summary>
    public ReadOnlyMemory<byte>? RawBody { get; init; }

    /// <summary>Content type of <see cref="RawBody"/>.</summary>
    public string? ContentType { get; init; }

    public string? Location { get; init; }

    /// <summary>More <c>Link</c> headers, e.g. <c>(orderUrl, "up")</c> on an authorization (RFC 8555 §7.5).</summary>
    public IReadOnlyList<(string Url, string Relation)>? Links { get; init; }

    /// <summary>
    /// <c>Retry-After</c>, whole seconds rounded up: set it where the client is expected to poll (an order <c>processing</c>, a
    /// challenge being validated). A problem's own <see cref="AcmeProblem.RetryAfter"/> is used for error answers.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary><c>Cache-Control</c>; ACME answers are per-request (each carries a nonce), so nothing is stored by default.</summary>
    public string CacheControl { get; init; } = "no-store";

    /// <summary>200 with a JSON body.</summary>
    public static AcmeResponse Ok(object? body) => new(StatusCodes.Status200OK, body, null);

    /// <summary>201 with a JSON body and the new resource's URL.</summary>
    public static AcmeResponse Created(object body, string location) => new(StatusCodes.Status201Created, body, null) { Location = location };

    /// <summary>Any status with a JSON body.</summary>
    public static AcmeResponse Json(int status, object? body) => new(status, body, null);

    /// <summary>An error answer.</summary>
    public static AcmeResponse FromProblem(AcmeProblem problem) => new(problem.Status is >= 400 and <= 599 ? problem.Status : 500, null, problem);

    public static implicit operator AcmeResponse(AcmeProblem problem) => FromProblem(problem);
}
