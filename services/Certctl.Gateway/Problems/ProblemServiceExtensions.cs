namespace Certctl.Gateway.Problems;

/// <summary>Registers the exception-to-problem mapping and the request body cap.</summary>
public static class ProblemServiceExtensions
{
    /// <summary>Adds the exception handler and <c>CERTCTL_MAX_BODY_SIZE</c> (checked on start).</summary>
    public static IServiceCollection AddGatewayProblems(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddExceptionHandler<GatewayExceptionHandler>();
        services.AddOptions<RequestLimitsOptions>().Bind(configuration).ValidateDataAnnotations().ValidateOnStart();

        // Binding failures (malformed JSON, a query value of the wrong type) throw BadHttpRequestException with the
        // reason instead of answering a bare 400, so they reach the exception handler and become problems with a detail.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }
}
