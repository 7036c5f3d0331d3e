using System.Text.Json;
using Certctl.Acme.Http;
using Certctl.Acme.Problems;
using Certctl.Acme.RateLimiting;
using Certctl.Domain;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Acme.Accounts;

/// <summary>
/// <c>POST …/new-account</c> (RFC 8555 §7.3): the embedded key's account in this profile is returned (200) if it exists, otherwise
/// created (201) unless <c>onlyReturnExisting</c>; terms of service and external account binding are enforced when configured.
/// </summary>
public sealed class NewAccount(
    NpgsqlDataSource dataSource, AccountStore accounts, ExternalAccountBindings bindings, IdGenerator ids, IOptions<AcmeServerOptions> options,
    IServiceProvider services)
{
    public async Task<AcmeResponse> HandleAsync(AcmeRequest request, CancellationToken cancellationToken)
    {
        if (request.Payload is not { } payload)
        {
            return AcmeProblems.Malformed("new-account needs a payload");
        }

        if (!TryBool(payload, "onlyReturnExisting", out var onlyReturnExisting) || !TryBool(payload, "termsOfServiceAgreed", out var agreed))
        {
            return AcmeProblems.Malformed("onlyReturnExisting and termsOfServiceAgreed must be booleans");
        }

        var profile = request.Profile;
        var existing = await accounts.FindByThumbprintAsync(profile.Id, request.Key.Thumbprint, cancellationToken);
        if (existing is not null)
        {
            return Existing(existing, request.Urls);
        }

        if (onlyReturnExisting)
        {
            return AcmeProblems.AccountDoesNotExist("no account exists for this key in this profile");
        }

        var contact = AccountContacts.Read(payload, out var contactProblem);
        if (contactProblem is not null)
        {
            return contactProblem;
        }

        var settings = options.Value;
        if (!string.IsNullOrWhiteSpace(settings.TermsOfServiceUrl) && !agreed)
        {
            return AcmeProblems.Malformed($"the terms of service ({settings.TermsOfServiceUrl.Trim()}) must be agreed: send termsOfServiceAgreed: true");
        }

        string? bindingKeyId = null;
        if (payload.TryGetProperty("externalAccountBinding", out var binding) && binding.ValueKind != JsonValueKind.Null)
        {
            var checkedBinding = await bindings.VerifyAsync(binding, request, cancellationToken);
            if (checkedBinding.Problem is not null)
            {
                return checkedBinding.Problem;
            }

            bindingKeyId = checkedBinding.KeyId;
        }
        else if (settings.ExternalAccountRequired)
        {
            return new AcmeProblem(AcmeProblemTypes.ExternalAccountRequired, "this server requires an externalAccountBinding", StatusCodes.Status400BadRequest);
        }

        if (services.GetService<IAcmeRateLimiter>() is { } limiter)
        {
            var client = request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            var decision = await limiter.TryAcquireAsync(AcmeRateLimit.NewAccountsPerIp, client, cancellationToken);
            if (!decision.Allowed)
            {
                return new AcmeProblem(AcmeProblemTypes.RateLimited, "too many new accounts from this address; retry later", StatusCodes.Status429TooManyRequests)
                {
                    RetryAfter = decision.RetryAfter,
                };
            }
        }

        var created = await CreateAsync(profile.Id, request, contact ?? [], agreed, bindingKeyId, cancellationToken);
        return created switch
        {
            { Problem: { } problem } => problem,
            { Account: { } account, Inserted: true } => AcmeResponse.Created(AccountDocument.From(account, request.Urls), request.Urls.Account(account.Id)),
            { Account: { } account } => Existing(account, request.Urls),
            _ => AcmeProblems.ServerInternal(),
        };
    }

    private static AcmeResponse Existing(AcmeAccount account, AcmeUrls urls) =>
        account.IsValid
            ? AcmeResponse.Ok(AccountDocument.From(account, urls)) with { Location = urls.Account(account.Id) }
            : AcmeProblems.Unauthorized($"the account of this key is {account.Status}");

    private async Task<(AcmeAccount? Account, bool Inserted, AcmeProblem? Problem)> CreateAsync(
        string profileId, AcmeRequest request, IReadOnlyList<string> contact, bool agreed, string? bindingKeyId, CancellationToken cancellationToken)
    {
        var id = ids.NewId(IdPrefix.AcmeAccount);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO acme_accounts (id, profile_id, jwk, jwk_thumbprint, contact, status, eab_kid)
            VALUES ($1, $2, $3, $4, $5, 'valid', $6)
            ON CONFLICT (profile_id, jwk_thumbprint) DO NOTHING
            RETURNING id, profile_id, jwk::text, contact, status, created_at, eab_kid
            """, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = profileId });
        insert.Parameters.Add(AccountStore.Json(request.Key.CanonicalJson));
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.Key.Thumbprint });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. contact] });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)bindingKeyId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var account = await AccountStore.ReadOneAsync(insert, cancellationToken);
        if (account is null)
        {
            // The same key registered concurrently: that account is the answer.
            await transaction.RollbackAsync(cancellationToken);
            return (await accounts.FindByThumbprintAsync(profileId, request.Key.Thumbprint, cancellationToken), false, null);
        }

        if (bindingKeyId is not null && !await ExternalAccountBindings.BindAsync(connection, transaction, bindingKeyId, account.Id, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return (null, false, AcmeProblems.Unauthorized("the external account binding key has already been used"));
        }

        await AcmeAudit.WriteAsync(connection, transaction, account.Id, "acme_account_created", "acme_account", account.Id,
            new { profileId, jwkThumbprint = account.Key.Thumbprint, contactCount = contact.Count, tosAgreed = agreed, eabKid = bindingKeyId },
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        AcmeMetrics.Accounts.Add(1, new KeyValuePair<string, object?>("event", "created"));
        return (account, true, null);
    }

    private static bool TryBool(JsonElement payload, string name, out bool value)
    {
        value = false;
        if (!payload.TryGetProperty(name, out var member) || member.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (member.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return false;
        }

        value = member.GetBoolean();
        return true;
    }
}
