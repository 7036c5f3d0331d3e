using System.Text.Json;
using Certctl.Acme.Accounts;
using Certctl.Acme.Jws;

namespace Certctl.Acme.Http;

/// <summary>
/// A JWS request that passed the verification pipeline, as an endpoint handler receives it: the profile of the URL, the URL
/// builder for this client's view of the server, the authenticated account (<c>kid</c> endpoints) or embedded key (<c>jwk</c>),
/// and the payload (null for POST-as-GET).
/// </summary>
public sealed class AcmeRequest(HttpContext httpContext, AcmeProfile profile, AcmeUrls urls, JwsVerification verification)
{
    public HttpContext HttpContext { get; } = httpContext;

    public AcmeProfile Profile { get; } = profile;

    public AcmeUrls Urls { get; } = urls;

    /// <summary>The authenticated account; set on <see cref="AcmeAuth.Kid"/> endpoints (and on <see cref="AcmeAuth.KidOrJwk"/> when a kid was sent).</summary>
    public AcmeAccount? Account { get; } = verification.Account;

    /// <summary>The key that verified the signature: the account's, or the embedded <c>jwk</c>.</summary>
    public Jwk Key { get; } = verification.Key!;

    /// <summary>The JWS as received (the key-change handler reads its inner JWS from <see cref="Payload"/>).</summary>
    public FlattenedJws Jws { get; } = verification.Jws!;

    /// <summary>The payload JSON object; null when the payload was empty (POST-as-GET, RFC 8555 §6.3).</summary>
    public JsonElement? Payload { get; } = verification.Payload;

    public bool IsPostAsGet => Payload is null;

    /// <summary>The account, for handlers on <see cref="AcmeAuth.Kid"/> endpoints where the pipeline guarantees it.</summary>
    public AcmeAccount RequiredAccount => Account ?? throw new InvalidOperationException("This endpoint was not mapped with AcmeAuth.Kid.");

    /// <summary>A route value of the matched pattern, e.g. <c>orderId</c> of <c>/order/{orderId}</c>.</summary>
    public string RouteValue(string name) =>
        HttpContext.Request.RouteValues[name] as string ?? throw new InvalidOperationException($"The route has no value '{name}'.");
}
