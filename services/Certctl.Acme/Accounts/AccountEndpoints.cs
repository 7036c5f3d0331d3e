using Certctl.Acme.Http;
using Certctl.Acme.Jws;

namespace Certctl.Acme.Accounts;

/// <summary>Maps new-account, the account resource (read, update, deactivate), its orders list and key-change.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAcmeAccounts(this IEndpointRouteBuilder app)
    {
        app.MapAcmePost("/new-account", AcmeAuth.Jwk, (request, cancellationToken) =>
            request.HttpContext.RequestServices.GetRequiredService<NewAccount>().HandleAsync(request, cancellationToken));
        app.MapAcmePost("/account/{accountId}", AcmeAuth.Kid, (request, cancellationToken) =>
            request.HttpContext.RequestServices.GetRequiredService<AccountUpdate>().HandleAsync(request, cancellationToken));
        app.MapAcmePost("/account/{accountId}/orders", AcmeAuth.Kid, (request, cancellationToken) =>
            request.HttpContext.RequestServices.GetRequiredService<AccountOrders>().HandleAsync(request, cancellationToken));
        app.MapAcmePost("/key-change", AcmeAuth.Kid, (request, cancellationToken) =>
            request.HttpContext.RequestServices.GetRequiredService<KeyChange>().HandleAsync(request, cancellationToken));
        return app;
    }
}
