using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Npgsql;

namespace Certctl.Gateway.Problems;

/// <summary>Decides which exceptions are the client's doing and what problem (4xx) answers them; everything else is a 500.</summary>
public static class ProblemMapper
{
    /// <summary>Status for a request whose client went away before the answer: nginx's 499, never written, never a 500.</summary>
    public const int ClientClosedRequest = 499;

    /// <summary>The problem for <paramref name="exception"/>, or null when it is a server fault.</summary>
    public static ProblemDetails? TryMap(Exception exception) => exception switch
    {
        DomainProblemException domain => domain.ToProblemDetails(),
        BadHttpRequestException { InnerException: JsonException json } =>
            Problem(StatusCodes.Status400BadRequest, $"The request body is not valid JSON: {json.Message}"),
        BadHttpRequestException request => Problem(request.StatusCode, request.Message),
        JsonException json => Problem(StatusCodes.Status400BadRequest, $"The request body is not valid JSON: {json.Message}"),
        PostgresException postgres => PostgresProblems.TryMap(postgres),
        _ => null,
    };

    /// <summary>The status code the answer to <paramref name="exception"/> will carry (for the audit trail).</summary>
    public static int StatusCodeFor(Exception exception, HttpContext context) =>
        IsClientGone(exception, context) ? ClientClosedRequest : TryMap(exception)?.Status ?? StatusCodes.Status500InternalServerError;

    /// <summary>True when the exception only says that the client disconnected.</summary>
    public static bool IsClientGone(Exception exception, HttpContext context) =>
        exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested;

    private static ProblemDetails Problem(int status, string detail) =>
        new() { Status = status, Title = ReasonPhrases.GetReasonPhrase(status), Detail = detail };
}
