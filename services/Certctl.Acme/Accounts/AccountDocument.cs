using Certctl.Acme.Http;

namespace Certctl.Acme.Accounts;

/// <summary>The RFC 8555 §7.1.2 account object.</summary>
internal sealed record AccountDocument(string Status, IReadOnlyList<string>? Contact, string Orders, string CreatedAt)
{
    public static AccountDocument From(AcmeAccount account, AcmeUrls urls) => new(
        account.Status, account.Contact.Count > 0 ? account.Contact : null, urls.AccountOrders(account.Id), AcmeJson.Time(account.CreatedAt));
}
