using System.Net;
using Certctl.Domain;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>
/// The issuer's ACME account for this process: the stored key (<see cref="AcmeAccountStore"/>), looked up at the CA once
/// per process with <c>onlyReturnExisting</c> (no second binding spent on an existing account), or registered with
/// newAccount (and the external account binding, when configured) the first time, or when the directory changed.
/// </summary>
public sealed class AcmeAccounts(string issuerId, AcmeIssuerConfiguration configuration, AcmeClient client, AcmeAccountStore store, ILogger logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AcmeAccountSession? _session;

    /// <exception cref="CertificateAuthorityException">The CA refuses the account (a binding is required or refused, a contact is invalid).</exception>
    /// <exception cref="IssuerUnavailableException">The CA cannot be reached or is failing.</exception>
    public async Task<AcmeAccountSession> GetAsync(CancellationToken cancellationToken)
    {
        if (_session is { } known)
        {
            return known;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _session ??= await OpenAsync(cancellationToken);
        }
        catch (AcmeProblemException problem)
        {
            throw AcmeErrors.Classify(problem, issuerId) switch
            {
                IssuerRejectedException => new CertificateAuthorityException($"ACME issuer '{issuerId}' cannot use its account: {problem.Message}", problem),
                var classified => classified,
            };
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<AcmeAccountSession> OpenAsync(CancellationToken cancellationToken)
    {
        var stored = await store.LoadOrCreateAsync(issuerId, cancellationToken);
        var directory = await client.DirectoryAsync(cancellationToken);
        var sameDirectory = string.Equals(stored.DirectoryUrl, configuration.DirectoryUrl, StringComparison.Ordinal);
        var url = sameDirectory && stored.AccountUrl is not null ? await LookUpAsync(stored.Key, directory, cancellationToken) : null;
        if (url is null)
        {
            url = await RegisterAsync(stored.Key, directory, cancellationToken);
            logger.LogInformation("ACME issuer {IssuerId}: account {AccountUrl} registered at {Directory}.", issuerId, url, configuration.DirectoryUrl);
        }

        if (!sameDirectory || url != stored.AccountUrl)
        {
            await store.SaveAccountUrlAsync(issuerId, configuration.DirectoryUrl!, url, cancellationToken);
        }

        return new AcmeAccountSession(stored.Key, url);
    }

    /// <summary>The account URL of the key at this CA (RFC 8555 §7.3.1), or null when the CA does not know the key.</summary>
    private async Task<string?> LookUpAsync(AcmeAccountKey key, AcmeDirectory directory, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await client.PostAsync<AcmeAccount>(key, null, directory.NewAccount,
                new Dictionary<string, object> { ["onlyReturnExisting"] = true }, "account look-up", cancellationToken);
            return reply.Location;
        }
        catch (AcmeProblemException problem) when (problem.Problem.Name == "accountDoesNotExist" || problem.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<string> RegisterAsync(AcmeAccountKey key, AcmeDirectory directory, CancellationToken cancellationToken)
    {
        var payload = new Dictionary<string, object> { ["termsOfServiceAgreed"] = true };
        if (!string.IsNullOrWhiteSpace(configuration.Email))
        {
            payload["contact"] = new[] { $"mailto:{configuration.Email.Trim()}" };
        }

        if (!string.IsNullOrWhiteSpace(configuration.EabKid))
        {
            payload["externalAccountBinding"] = key.ExternalAccountBinding(directory.NewAccount, configuration.EabKid.Trim(), configuration.EabHmac!);
        }
        else if (directory.Meta?.ExternalAccountRequired == true)
        {
            throw new CertificateAuthorityException($"ACME issuer '{issuerId}': the CA requires an external account binding; set eab_kid and eab_hmac.");
        }

        var reply = await client.PostAsync<AcmeAccount>(key, null, directory.NewAccount, payload, "new account", cancellationToken);
        return reply.Location ?? throw new CertificateAuthorityException($"ACME issuer '{issuerId}': newAccount answered without the account's Location.");
    }
}

/// <summary>An account ready to sign with: its key and its URL (the JWS <c>kid</c>).</summary>
public sealed record AcmeAccountSession(AcmeAccountKey Key, string Url);
