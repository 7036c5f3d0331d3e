namespace Certctl.Acme.Http;

/// <summary>
/// The absolute URLs of one profile's ACME resources as the client addressed them: scheme and host of the request (after the
/// trusted proxy's <c>X-Forwarded-Proto</c>/<c>-Host</c> are applied), then <c>/acme/profile/{id}</c>, or <c>/acme</c> when the
/// client used the default-profile shorthand. The JWS <c>url</c> check compares against <see cref="RequestUrl"/>, built the same way.
/// </summary>
public sealed class AcmeUrls
{
    private AcmeUrls(string prefix, string requestUrl)
    {
        Prefix = prefix;
        RequestUrl = requestUrl;
    }

    /// <summary><c>scheme://host/acme/profile/{id}</c> or <c>scheme://host/acme</c>.</summary>
    public string Prefix { get; }

    /// <summary>The URL of this request, query string included (RFC 8555 §6.4: the URL the JWS is directed to).</summary>
    public string RequestUrl { get; }

    public string Directory => Prefix + "/directory";

    public string NewNonce => Prefix + "/new-nonce";

    public string NewAccount => Prefix + "/new-account";

    public string NewOrder => Prefix + "/new-order";

    public string RevokeCert => Prefix + "/revoke-cert";

    public string KeyChange => Prefix + "/key-change";

    /// <summary>RFC 9773: clients append <c>/{certID}</c>.</summary>
    public string RenewalInfo => Prefix + "/renewal-info";

    /// <summary>The prefix every kid of this profile starts with.</summary>
    public string AccountPrefix => Prefix + "/account/";

    public string Account(string accountId) => AccountPrefix + accountId;

    public string AccountOrders(string accountId) => AccountPrefix + accountId + "/orders";

    public string Order(string orderId) => Prefix + "/order/" + orderId;

    public string Finalize(string orderId) => Prefix + "/order/" + orderId + "/finalize";

    public string Authorization(string authorizationId) => Prefix + "/authz/" + authorizationId;

    public string Challenge(string challengeId) => Prefix + "/challenge/" + challengeId;

    public string Certificate(string certificateId) => Prefix + "/cert/" + certificateId;

    /// <summary>The URLs for <paramref name="request"/>; <paramref name="routePrefix"/> is the matched <c>/acme/profile/{id}</c> or <c>/acme</c>.</summary>
    public static AcmeUrls For(HttpRequest request, string routePrefix)
    {
        var origin = string.Concat(request.Scheme, "://", request.Host.Value);
        var basePath = request.PathBase.Value ?? string.Empty;
        return new AcmeUrls(string.Concat(origin, basePath, routePrefix), string.Concat(origin, basePath, request.Path.Value, request.QueryString.Value));
    }
}
