using Certctl.Acme.Authorizations;
using Certctl.Acme.Certificates;
using Certctl.Acme.Challenges;
using Certctl.Acme.Finalize;
using Certctl.Acme.Http;
using Certctl.Acme.Jws;
using Certctl.Acme.Revocation;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Orders;

/// <summary>The order side of RFC 8555 under both URL families: newOrder, order, finalize, authz, challenge, cert and revokeCert.</summary>
public static class OrderEndpoints
{
    public static WebApplication MapAcmeOrders(this WebApplication app)
    {
        app.MapAcmePost("/new-order", AcmeAuth.Kid, NewOrderAsync);
        app.MapAcmePost("/order/{orderId}", AcmeAuth.Kid, OrderAsync);
        app.MapAcmePost("/order/{orderId}/finalize", AcmeAuth.Kid, FinalizeEndpoint.HandleAsync);
        app.MapAcmePost("/authz/{authorizationId}", AcmeAuth.Kid, AuthorizationEndpoint.HandleAsync);
        app.MapAcmePost("/challenge/{challengeId}", AcmeAuth.Kid, ChallengeEndpoint.HandleAsync);
        app.MapAcmePost("/cert/{certificateId}", AcmeAuth.Kid, CertificateEndpoint.HandleAsync);
        app.MapAcmePost("/revoke-cert", AcmeAuth.KidOrJwk, RevocationEndpoint.HandleAsync);
        return app;
    }

    /// <summary>The order object, with <c>Retry-After</c> while it is processing (RFC 8555 §7.4), longer while it awaits an approval.</summary>
    public static AcmeResponse Answer(AcmeOrder order, AcmeRequest request, int status = StatusCodes.Status200OK)
    {
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<AcmeOrderOptions>>().Value;
        return AcmeResponse.Json(status, OrderDocument.From(order, request.Urls)) with
        {
            Location = request.Urls.Order(order.Id),
            RetryAfter = order.Status != AcmeStatus.Processing ? null : order.AwaitingApproval ? options.ApprovalRetryAfter : options.RetryAfter,
        };
    }

    private static async Task<AcmeResponse> NewOrderAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        var orders = request.HttpContext.RequestServices.GetRequiredService<NewOrders>();
        var (order, problem) = await orders.CreateAsync(request.RequiredAccount.Id, request.Profile.Id, request.Payload, cancellationToken);
        return problem ?? Answer(order!, request, StatusCodes.Status201Created);
    }

    private static async Task<AcmeResponse> OrderAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        var orders = request.HttpContext.RequestServices.GetRequiredService<OwnedOrders>();
        var (order, problem) = await orders.FindAsync(request.RequiredAccount.Id, request.RouteValue("orderId"), cancellationToken);
        return problem ?? Answer(order!, request) with { Location = null };
    }
}
