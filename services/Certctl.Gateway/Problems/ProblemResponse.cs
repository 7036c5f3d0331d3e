using Microsoft.AspNetCore.Mvc;

namespace Certctl.Gateway.Problems;

/// <summary>Writes a problem document from middleware, through the app's problem details service (request and trace ids added).</summary>
public static class ProblemResponse
{
    /// <summary>Sets the status from <paramref name="problem"/> and writes it as <c>application/problem+json</c>.</summary>
    public static Task WriteAsync(HttpContext context, ProblemDetails problem) =>
        // ProblemHttpResult goes through IProblemDetailsService and falls back to plain JSON when the client's Accept refuses it.
        TypedResults.Problem(problem).ExecuteAsync(context);
}
