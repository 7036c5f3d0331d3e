namespace Certctl.Gateway.Auth;

/// <summary>Marks endpoints or groups as admin-only (403 problem for a key without the admin flag).</summary>
public static class AdminEndpointExtensions
{
    /// <summary>Requires a key with the admin flag, on top of the operator group's authentication.</summary>
    public static TBuilder RequireAdmin<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(ApiKeyDefaults.AdminPolicy);
}
