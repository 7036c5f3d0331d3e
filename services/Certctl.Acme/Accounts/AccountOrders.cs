using Certctl.Acme.Http;
using Certctl.Acme.Problems;
using Npgsql;

namespace Certctl.Acme.Accounts;

/// <summary>
/// <c>POST …/account/{id}/orders</c> (POST-as-GET, RFC 8555 §7.1.2.1): the URLs of the account's orders that are not
/// <c>invalid</c>, oldest first, at most <see cref="PageSize"/> per page; a further page is linked with <c>rel="next"</c>
/// (<c>?cursor=</c> the last order id of the page).
/// </summary>
public sealed class AccountOrders(NpgsqlDataSource dataSource)
{
    internal const int PageSize = 100;

    public async Task<AcmeResponse> HandleAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        var account = request.RequiredAccount;
        if (request.RouteValue("accountId") != account.Id)
        {
            return AcmeProblems.Unauthorized("the kid does not name the account of this URL");
        }

        var cursor = request.HttpContext.Request.Query["cursor"].ToString();
        await using var command = dataSource.CreateCommand("""
            SELECT id FROM acme_orders
             WHERE account_id = $1 AND status <> 'invalid' AND id > $2
             ORDER BY id
             LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account.Id });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = cursor });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PageSize + 1 });
        var ids = new List<string>(PageSize + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }

        var more = ids.Count > PageSize;
        var page = more ? ids[..PageSize] : ids;
        var response = AcmeResponse.Ok(new OrderList([.. page.Select(request.Urls.Order)]));
        return more
            ? response with { Links = [(request.Urls.AccountOrders(account.Id) + "?cursor=" + Uri.EscapeDataString(page[^1]), "next")] }
            : response;
    }

    /// <summary>The RFC 8555 §7.1.2.1 orders list.</summary>
    private sealed record OrderList(IReadOnlyList<string> Orders);
}
