using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Problems;

/// <summary>Caps request bodies under <c>/api/v1</c> at <c>CERTCTL_MAX_BODY_SIZE</c>; an oversized body is answered 413.</summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<RequestLimitsOptions> options)
{
    private readonly long _limit = options.Value.MaxBodySize;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments(GatewayCoreExtensions.OperatorApiPath))
        {
            if (context.Request.ContentLength > _limit)
            {
                // Refuse before reading a byte of it.
                throw TooLarge(_limit);
            }

            // The server then enforces the cap on chunked bodies too, whoever reads them (model binding, the audit hash).
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = _limit;
            }
        }

        return next(context);
    }

    /// <summary>The 413 exception for a body over <paramref name="limit"/> bytes.</summary>
    public static BadHttpRequestException TooLarge(long limit) =>
        new($"The request body is larger than the limit of {limit} bytes ({RequestLimitsOptions.MaxBodySizeVariable}).", StatusCodes.Status413PayloadTooLarge);
}
