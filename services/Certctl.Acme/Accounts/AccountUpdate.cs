using System.Text.Json;
using Certctl.Acme.Http;
using Certctl.Acme.Problems;
using Npgsql;

namespace Certctl.Acme.Accounts;

/// <summary>
/// <c>POST …/account/{id}</c> (RFC 8555 §7.3.2, §7.3.6): POST-as-GET reads the account; <c>contact</c> replaces the contacts;
/// <c>status: "deactivated"</c> deactivates it for good (the key can no longer authenticate).
/// </summary>
public sealed class AccountUpdate(NpgsqlDataSource dataSource, AccountStore accounts)
{
    public async Task<AcmeResponse> HandleAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        var account = request.RequiredAccount;
        if (request.RouteValue("accountId") != account.Id)
        {
            return AcmeProblems.Unauthorized("the kid does not name the account of this URL");
        }

        if (request.Payload is not { } payload)
        {
            return Answer(account, request.Urls);
        }

        var deactivate = false;
        if (payload.TryGetProperty("status", out var status) && status.ValueKind != JsonValueKind.Null)
        {
            if (status.ValueKind != JsonValueKind.String || status.GetString() != AcmeAccount.Deactivated)
            {
                return AcmeProblems.Malformed("an account's status can only be set to \"deactivated\"");
            }

            deactivate = true;
        }

        var contact = AccountContacts.Read(payload, out var contactProblem);
        if (contactProblem is not null)
        {
            return contactProblem;
        }

        if (!deactivate && contact is null)
        {
            return Answer(account, request.Urls);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var update = new NpgsqlCommand("""
            UPDATE acme_accounts
               SET status = CASE WHEN $2 THEN 'deactivated' ELSE status END,
                   contact = COALESCE($3, contact),
                   updated_at = now()
             WHERE id = $1 AND status = 'valid'
            RETURNING id, profile_id, jwk::text, contact, status, created_at, eab_kid
            """, connection, transaction);
        update.Parameters.Add(new NpgsqlParameter<string> { TypedValue = account.Id });
        update.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = deactivate });
        update.Parameters.Add(new NpgsqlParameter { Value = contact is null ? DBNull.Value : contact.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        var updated = await AccountStore.ReadOneAsync(update, cancellationToken);
        if (updated is null)
        {
            // Deactivated by a concurrent request after this one authenticated.
            return AcmeProblems.Unauthorized("account is no longer valid");
        }

        if (contact is not null)
        {
            await AcmeAudit.WriteAsync(connection, transaction, account.Id, "acme_account_updated", "acme_account", account.Id,
                new { contactCount = contact.Count }, cancellationToken);
        }

        if (deactivate)
        {
            await AcmeAudit.WriteAsync(connection, transaction, account.Id, "acme_account_deactivated", "acme_account", account.Id,
                new { profileId = account.ProfileId }, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        accounts.Changed(account.Id);
        AcmeMetrics.Accounts.Add(1, new KeyValuePair<string, object?>("event", deactivate ? "deactivated" : "updated"));
        return Answer(updated, request.Urls);
    }

    private static AcmeResponse Answer(AcmeAccount account, AcmeUrls urls) => AcmeResponse.Ok(AccountDocument.From(account, urls));
}
