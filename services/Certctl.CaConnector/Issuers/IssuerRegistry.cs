using System.Collections.Concurrent;
using System.Text.Json;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers;

/// <summary>
/// The issuers this connector can sign for, built from the <c>issuers</c> table: one loaded
/// <see cref="LocalCertificateAuthority"/> per local CA issuer, its key kept in memory so signing costs only CPU.
/// </summary>
/// <remarks>A load that fails is not cached, so the next command tries again (after an operator fixed the issuer).</remarks>
public sealed class IssuerRegistry(
    IssuerRows rows,
    ICaKeyStore store,
    CaKeyProtection protection,
    TimeProvider time,
    ILogger<IssuerRegistry> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<LocalCertificateAuthority>>> _authorities = new(StringComparer.Ordinal);

    /// <summary>The loaded local CA of <paramref name="issuerId"/>; on first use its root is loaded, or made and stored.</summary>
    /// <exception cref="CertificateAuthorityException">The issuer is unknown, disabled, not a local CA, or its CA cannot be loaded.</exception>
    public async Task<LocalCertificateAuthority> GetLocalAuthorityAsync(string issuerId, CancellationToken cancellationToken)
    {
        var entry = _authorities.GetOrAdd(issuerId, id => new Lazy<Task<LocalCertificateAuthority>>(() => LoadAsync(id)));
        try
        {
            // The load is shared by every waiter, so one caller's cancellation must not cancel it.
            return await entry.Value.WaitAsync(cancellationToken);
        }
        catch when (entry.Value.IsFaulted)
        {
            _authorities.TryRemove(KeyValuePair.Create(issuerId, entry));
            throw;
        }
    }

    /// <summary>Loads every enabled local CA issuer now, so a first start creates the roots before the first command.</summary>
    public async Task LoadEnabledAsync(CancellationToken cancellationToken)
    {
        foreach (var row in await rows.ListEnabledAsync(cancellationToken))
        {
            if (!row.IsLocalCa)
            {
                continue;
            }

            try
            {
                var authority = await GetLocalAuthorityAsync(row.Id, cancellationToken);
                logger.LogInformation("Local CA issuer {IssuerId} loaded: {Subject}, valid until {NotAfter:O}.", row.Id, authority.Ca.Certificate.Subject, authority.Ca.NotAfter);
            }
            catch (IssuanceException ex)
            {
                // One broken issuer must not keep the others from signing.
                logger.LogError(ex, "Local CA issuer {IssuerId} cannot be loaded.", row.Id);
            }
        }
    }

    public void Dispose()
    {
        foreach (var entry in _authorities.Values)
        {
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully)
            {
                entry.Value.Result.Ca.Dispose();
            }
        }

        _authorities.Clear();
    }

    private async Task<LocalCertificateAuthority> LoadAsync(string issuerId)
    {
        var row = await rows.GetAsync(issuerId, CancellationToken.None);
        if (!row.Enabled)
        {
            throw new CertificateAuthorityException($"Issuer '{issuerId}' is disabled.");
        }

        if (!row.IsLocalCa)
        {
            throw new CertificateAuthorityException($"Issuer '{issuerId}' is of type {row.Type}, which this connector does not sign for yet.");
        }

        var configuration = Parse(row);
        var ca = await LoadCaAsync(row.Id, configuration);
        try
        {
            return new LocalCertificateAuthority(ca, configuration.ToLocalCaOptions(), time);
        }
        catch
        {
            ca.Dispose();
            throw;
        }
    }

    private async Task<IssuingCa> LoadCaAsync(string issuerId, LocalIssuerConfiguration configuration)
    {
        var hasCert = !string.IsNullOrWhiteSpace(configuration.CaCertPath);
        var hasKey = !string.IsNullOrWhiteSpace(configuration.CaKeyPath);
        if (hasCert != hasKey)
        {
            throw new CertificateAuthorityException($"Issuer '{issuerId}' sets only one of ca_cert_path and ca_key_path; set both (sub-CA) or neither (stored root).");
        }

        return hasCert
            ? IssuingCa.FromPemFiles(configuration.CaCertPath!, configuration.CaKeyPath!, time)
            : await LocalRootCa.LoadOrCreateAsync(store, issuerId, configuration.ToRootOptions(), protection, time, CancellationToken.None);
    }

    private static LocalIssuerConfiguration Parse(IssuerRow row)
    {
        try
        {
            return JsonSerializer.Deserialize<LocalIssuerConfiguration>(row.ConfigurationJson) ?? new LocalIssuerConfiguration();
        }
        catch (JsonException ex)
        {
            throw new CertificateAuthorityException($"The configuration of issuer '{row.Id}' is not a valid local CA configuration: {ex.Message}", ex);
        }
    }
}
