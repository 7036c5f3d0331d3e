using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Certctl.Gateway.OpenApi;
using Certctl.Gateway.Proxy;
using Certctl.ServiceDefaults;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.ProxyTests;

/// <summary>
/// A gateway wired like the real one (service defaults, snake_case JSON, the proxy and OpenAPI extensions) with a
/// stand-in API-key check: a fallback policy requiring <c>Bearer operator-key</c> on everything not marked anonymous.
/// Operator agent endpoints are mapped too, answering <see cref="OperatorMarker"/>, so route clashes would show.
/// </summary>
internal sealed class TestGateway : IAsyncDisposable
{
    public const string OperatorKey = "operator-key";
    public const string OperatorMarker = "answered-by-gateway";

    private readonly LoopbackHost _host;

    private TestGateway(LoopbackHost host) => _host = host;

    public Uri Address => _host.Address;

    /// <summary>Starts the gateway with both downstream services resolved (as Aspire does) to <paramref name="downstream"/>.</summary>
    public static async Task<TestGateway> StartAsync(Uri downstream)
    {
        var url = downstream.GetLeftPart(UriPartial.Authority);
        var builder = LoopbackHost.CreateBuilder(new Dictionary<string, string?>
        {
            [$"services:{ProxyRoutes.AcmeService}:http:0"] = url,
            [$"services:{ProxyRoutes.AgentIngestService}:http:0"] = url,
        });
        builder.AddServiceDefaults();
        builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddAuthentication(StandInApiKeyHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, StandInApiKeyHandler>(StandInApiKeyHandler.SchemeName, null);
        builder.Services.AddAuthorization(options => options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.AddGatewayProxy();
        builder.AddGatewayOpenApi();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDefaultEndpoints();
        app.MapGatewayOpenApi();
        app.MapGatewayProxy();
        app.MapVersionEndpoints();
        MapOperatorAgentEndpoints(app);
        app.MapGet("/api/v1/shape", () => new PageShape([], "cursor-2")).WithName("GetShape").AllowAnonymous();
        return new TestGateway(await LoopbackHost.StartAsync(app));
    }

    /// <summary>A client for the gateway; <paramref name="withKey"/> adds the operator key.</summary>
    public HttpClient CreateClient(bool withKey = false)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = Address };
        if (withKey)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", OperatorKey);
        }

        return client;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    // Like the real gateway: operator endpoints in an authorized /api/v1 group.
    private static void MapOperatorAgentEndpoints(WebApplication app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization();
        api.MapGet("/agents", () => OperatorMarker);
        api.MapGet("/agents/retired", () => OperatorMarker);
        api.MapGet("/agents/{id}", (string id) => OperatorMarker);
        api.MapDelete("/agents/{id}", (string id) => OperatorMarker);
    }

    /// <summary>A response with a two-word property, to see the naming policy in the document.</summary>
    public sealed record PageShape(IReadOnlyList<string> Data, string? NextCursor);

    private sealed class StandInApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "StandInApiKey";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers.Authorization.ToString() != $"Bearer {OperatorKey}")
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator")], SchemeName);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
        }
    }
}
