using System.Text.Encodings.Web;
using Certctl.Gateway.Auth;
using Certctl.Gateway.Proxy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Tests;

/// <summary>The API-key handler leaves proxied requests (agent and ACME credentials) alone and still judges operator requests.</summary>
public sealed class ProxiedRouteAuthenticationTests
{
    [Fact]
    public async Task An_agent_token_on_a_proxied_route_is_not_tried_as_an_api_key()
    {
        var result = await AuthenticateAsync(proxied: true, "Bearer agent-token-that-is-no-api-key");

        Assert.True(result.None);
        Assert.Null(result.Failure);
    }

    [Fact]
    public async Task The_same_token_on_an_operator_route_fails_as_an_unknown_key()
    {
        var result = await AuthenticateAsync(proxied: false, "Bearer agent-token-that-is-no-api-key");

        Assert.False(result.Succeeded);
        Assert.IsType<ApiKeyRejectedException>(result.Failure);
    }

    private static async Task<AuthenticateResult> AuthenticateAsync(bool proxied, string authorization)
    {
        var options = new ApiKeyOptions();
        options.Load(GatewayHost.NamedKeys);
        var keys = new ApiKeyRing(Options.Create(options));
        var handler = new ApiKeyAuthenticationHandler(
            new StaticOptionsMonitor(new AuthenticationSchemeOptions()), NullLoggerFactory.Instance, UrlEncoder.Default, keys);
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = authorization;
        var metadata = proxied ? new EndpointMetadataCollection(ProxiedRoute.Instance) : EndpointMetadataCollection.Empty;
        context.SetEndpoint(new Endpoint(null, metadata, "route"));
        await handler.InitializeAsync(new AuthenticationScheme(ApiKeyDefaults.AuthenticationScheme, null, typeof(ApiKeyAuthenticationHandler)), context);
        return await handler.AuthenticateAsync();
    }

    private sealed class StaticOptionsMonitor(AuthenticationSchemeOptions value) : IOptionsMonitor<AuthenticationSchemeOptions>
    {
        public AuthenticationSchemeOptions CurrentValue => value;

        public AuthenticationSchemeOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<AuthenticationSchemeOptions, string?> listener) => null;
    }
}
