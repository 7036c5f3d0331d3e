using System.Security.Claims;
using System.Text.Encodings.Web;
using Certctl.Gateway.Problems;
using Certctl.Gateway.Proxy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;key&gt;</c> against the configured operator keys; 401 and 403 as problem details.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyRing keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // A proxied request's Bearer token is an agent's or ACME's, for the service behind the proxy: trying it as an API key failed
        // on every heartbeat, and each failure was logged at Information (2,000 log records a second under an agent storm).
        var header = Request.Headers.Authorization;
        if (header.Count == 0 || ProxiedRoute.IsProxied(Context))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (header.Count > 1 || !TryReadBearerToken(header[0], out var token))
        {
            return Task.FromResult(AuthenticateResult.Fail(new ApiKeyRejectedException(ApiKeyRejection.MalformedHeader)));
        }

        if (keys.Find(token) is not { } key)
        {
            return Task.FromResult(AuthenticateResult.Fail(new ApiKeyRejectedException(ApiKeyRejection.UnknownKey)));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ApiKeyDefaults.AdminClaim, key.IsAdmin ? "true" : "false")],
            Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var rejection = result.Failure is ApiKeyRejectedException rejected ? rejected.Rejection : ApiKeyRejection.MissingHeader;
        Response.Headers.WWWAuthenticate = ApiKeyRejectedException.Challenge(rejection);
        await ProblemResponse.WriteAsync(Context, new ProblemDetails
        {
            Status = StatusCodes.Status401Unauthorized,
            Title = "Unauthorized",
            Detail = ApiKeyRejectedException.Describe(rejection),
        });
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemResponse.WriteAsync(Context, new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Forbidden",
            Detail = $"The API key '{Context.User.Identity?.Name}' may not do this: it needs the admin flag.",
        });

    // The scheme name is case-insensitive (RFC 9110 §11.1); the token is everything after it and may not contain spaces.
    private static bool TryReadBearerToken(string? header, out string token)
    {
        token = string.Empty;
        if (header is null || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        token = header[BearerPrefix.Length..].Trim();
        return token.Length > 0 && !token.Any(char.IsWhiteSpace);
    }
}
