using System.Threading.Channels;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Audit;

/// <summary>
/// Records every state-changing operator call (POST, PUT, PATCH, DELETE on an authorized <c>/api/v1</c> endpoint) made
/// with a valid key: actor, action, resource, body SHA-256, final status, latency and request id. The row is queued,
/// never written on the request's time. Unauthenticated calls (401) are not recorded; forbidden ones (403) are.
/// </summary>
internal sealed partial class ApiAuditMiddleware(
    RequestDelegate next, AuditQueue queue, IOptions<RequestLimitsOptions> limits, TimeProvider time, ILogger<ApiAuditMiddleware> logger)
{
    /// <summary>Actor type of API-call rows.</summary>
    public const string ActorType = "User";

    private readonly long _bodyLimit = limits.Value.MaxBodySize;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!ChangesState(context.Request.Method) || !RequiresOperator(context))
        {
            await next(context);
            return;
        }

        // Runs before UseAuthorization so that calls it forbids are recorded too. The handler caches its result for the
        // request, so the authorization policy that follows does not hash the key a second time.
        var authentication = await context.AuthenticateAsync(ApiKeyDefaults.AuthenticationScheme);
        if (!authentication.Succeeded)
        {
            await next(context);
            return;
        }

        var started = time.GetTimestamp();
        var occurredAt = time.GetUtcNow();
        string? bodyHash = null;
        Exception? failure = null;
        try
        {
            bodyHash = await RequestBodyHash.ComputeAsync(context.Request, _bodyLimit, context.RequestAborted);
            await next(context);
        }
        catch (Exception exception)
        {
            failure = exception;
            throw;
        }
        finally
        {
            var status = failure is null ? context.Response.StatusCode : ProblemMapper.StatusCodeFor(failure, context);
            var latency = (int)Math.Min(int.MaxValue, Math.Round(time.GetElapsedTime(started).TotalMilliseconds));
            await EnqueueAsync(Record(context, authentication.Principal!.Identity!.Name!, bodyHash, status, latency, occurredAt));
        }
    }

    private static bool ChangesState(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    // Endpoints of the authorized operator group; anonymous and proxied paths (agents, ACME) have their own trails.
    private static bool RequiresOperator(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(GatewayCoreExtensions.OperatorApiPath) || context.GetEndpoint() is not { } endpoint)
        {
            return false;
        }

        var metadata = endpoint.Metadata;
        return metadata.GetMetadata<IAllowAnonymous>() is null
            && (metadata.GetMetadata<IAuthorizeData>() is not null || metadata.GetMetadata<AuthorizationPolicy>() is not null);
    }

    private static AuditRecord Record(HttpContext context, string actor, string? bodyHash, int status, int latencyMs, DateTimeOffset occurredAt)
    {
        var resource = AuditedResource.Of(context);
        var request = context.Request;
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        return new AuditRecord(
            actor, ActorType, "api_" + request.Method.ToLowerInvariant(), resource.Type, resource.Id,
            new AuditDetails(request.Method, (request.PathBase + request.Path).Value ?? "/", route).ToJson(),
            context.TraceIdentifier, bodyHash, status, latencyMs, occurredAt);
    }

    private async Task EnqueueAsync(AuditRecord record)
    {
        try
        {
            // No cancellation: the call has happened, its row must not be dropped because the client went away.
            await queue.EnqueueAsync(record);
        }
        catch (ChannelClosedException)
        {
            // Only possible if a request outlives the server's graceful stop; the log keeps the evidence.
            LogQueueClosed(logger, record.ToString());
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit queue is closed (shutting down); this row is only in the log: {Record}")]
    private static partial void LogQueueClosed(ILogger logger, string record);
}
