namespace Certctl.Acme.Orders;

/// <summary>The absolute URLs of order resources under one ACME prefix (<c>https://host/acme/profile/{id}</c> or <c>https://host/acme</c>).</summary>
public sealed record OrderResourceUrls(string Prefix)
{
    public string Order(string id) => $"{Prefix}/order/{id}";

    public string Finalize(string id) => $"{Prefix}/order/{id}/finalize";

    public string Authorization(string id) => $"{Prefix}/authz/{id}";

    public string Challenge(string id) => $"{Prefix}/challenge/{id}";

    public string Certificate(string id) => $"{Prefix}/cert/{id}";
}
