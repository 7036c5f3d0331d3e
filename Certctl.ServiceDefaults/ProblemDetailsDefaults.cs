using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.ServiceDefaults;

/// <summary>One error shape everywhere: RFC 7807 problem details carrying the request and trace ids.</summary>
public static class ProblemDetailsDefaults
{
    internal static IServiceCollection AddCertctlProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["request_id"] = context.HttpContext.TraceIdentifier;
            var traceId = Activity.Current?.TraceId.ToString();
            if (traceId is not null)
            {
                context.ProblemDetails.Extensions["trace_id"] = traceId;
            }
        });
}
