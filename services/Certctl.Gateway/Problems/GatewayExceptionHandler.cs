using Microsoft.AspNetCore.Diagnostics;

namespace Certctl.Gateway.Problems;

/// <summary>Answers client-caused exceptions with 4xx problem details; server faults fall through to the default 500 problem.</summary>
internal sealed partial class GatewayExceptionHandler(ILogger<GatewayExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (ProblemMapper.IsClientGone(exception, httpContext))
        {
            httpContext.Response.StatusCode = ProblemMapper.ClientClosedRequest;
            return true;
        }

        var problem = ProblemMapper.TryMap(exception);
        if (problem is null)
        {
            return false;
        }

        LogClientError(logger, problem.Status ?? 0, exception.GetType().Name, exception.Message);
        await ProblemResponse.WriteAsync(httpContext, problem);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Answered {Status} for a client error ({ExceptionType}): {Message}")]
    private static partial void LogClientError(ILogger logger, int status, string exceptionType, string message);
}
