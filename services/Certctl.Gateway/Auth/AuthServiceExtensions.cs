using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Auth;

/// <summary>Registers API-key authentication and the Operator and Admin policies.</summary>
public static class AuthServiceExtensions
{
    /// <summary>Adds the ApiKey scheme (keys validated on start) and the policies; <c>RequireAuthorization()</c> means "any operator key".</summary>
    public static IServiceCollection AddOperatorAuthentication(this IServiceCollection services)
    {
        services.AddOptions<ApiKeyOptions>()
            .Configure<IConfiguration>((options, configuration) => options.Load(configuration[ApiKeyOptions.NamedKeysVariable]))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        services.AddSingleton<ApiKeyRing>();

        // No default authenticate scheme: only endpoints whose policy names the scheme authenticate, so anonymous and
        // proxied paths (ACME, agents with their own keys) are never hashed, rejected or logged here.
        services.AddAuthentication(options =>
            {
                options.DefaultChallengeScheme = ApiKeyDefaults.AuthenticationScheme;
                options.DefaultForbidScheme = ApiKeyDefaults.AuthenticationScheme;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.AuthenticationScheme, configureOptions: null);

        var operatorPolicy = new AuthorizationPolicyBuilder(ApiKeyDefaults.AuthenticationScheme).RequireAuthenticatedUser().Build();
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(operatorPolicy)
            .AddPolicy(ApiKeyDefaults.OperatorPolicy, operatorPolicy)
            .AddPolicy(ApiKeyDefaults.AdminPolicy, policy => policy
                .AddAuthenticationSchemes(ApiKeyDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiKeyDefaults.AdminClaim, "true"));
        return services;
    }
}
