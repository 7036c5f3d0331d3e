using Certctl.Domain;
using Certctl.Secrets;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Certctl.Gateway.Inventory;

/// <summary>The inventory resources of the operator API: teams, owners, renewal policies, certificate profiles and issuers.</summary>
public static class InventoryEndpoints
{
    /// <summary>Registers what the inventory endpoints need: the id generator and the issuer configuration cipher (<c>CERTCTL_CONFIG_ENCRYPTION_KEY</c>, checked on start).</summary>
    public static WebApplicationBuilder AddInventory(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IdGenerator>();
        builder.Services.AddConfigurationCipher(builder.Configuration);
        return builder;
    }

    /// <summary>Maps every inventory resource onto the authorized <c>/api/v1</c> group.</summary>
    public static RouteGroupBuilder MapInventoryEndpoints(this RouteGroupBuilder api) => api
        .MapTeamEndpoints()
        .MapOwnerEndpoints()
        .MapRenewalPolicyEndpoints()
        .MapCertificateProfileEndpoints()
        .MapIssuerEndpoints()
        .MapAcmeExternalAccountKeyEndpoints();
}
