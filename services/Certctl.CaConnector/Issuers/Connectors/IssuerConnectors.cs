using System.Collections.Concurrent;
using Certctl.CaConnector.Issuers.Acme;
using Certctl.CaConnector.Issuers.DigiCert;
using Certctl.CaConnector.Issuers.Sectigo;
using Certctl.CaConnector.Polling;
using Certctl.Issuance;
using Microsoft.Extensions.Options;

namespace Certctl.CaConnector.Issuers;

/// <summary>
/// The connector of each issuer, by its type: the loaded local CA (cached with its key, so signing costs only CPU) or an
/// external CA's client built from the issuer's decrypted configuration (built per use, so an operator's change applies at once).
/// </summary>
public sealed class IssuerConnectors(
    IssuerRegistry registry,
    IssuerRows rows,
    IHttpClientFactory httpClients,
    IOptions<DigiCertOptions> digiCert,
    IOptions<SectigoOptions> sectigo,
    IOptions<AsyncPollOptions> polling,
    AcmeConnectors acme,
    TimeProvider time)
{
    private readonly ConcurrentDictionary<string, LocalCaConnector> _local = new(StringComparer.Ordinal);

    /// <exception cref="CertificateAuthorityException">The issuer is unknown, disabled, of a type not supported yet, or misconfigured.</exception>
    public async Task<IIssuerConnector> GetAsync(string issuerId, CancellationToken cancellationToken)
    {
        if (_local.TryGetValue(issuerId, out var local))
        {
            return local;
        }

        var row = await rows.GetAsync(issuerId, cancellationToken);
        if (!row.Enabled)
        {
            throw new CertificateAuthorityException($"Issuer '{issuerId}' is disabled.");
        }

        if (row.IsLocalCa)
        {
            var authority = await registry.GetLocalAuthorityAsync(issuerId, cancellationToken);
            return _local.GetOrAdd(issuerId, _ => new LocalCaConnector(authority));
        }

        if (string.Equals(row.Type, "DigiCert", StringComparison.OrdinalIgnoreCase))
        {
            var defaults = digiCert.Value;
            var configuration = DigiCertConfiguration.Parse(issuerId, row.ConfigurationJson, defaults);
            var maxWait = polling.Value.MaxWaitFor(configuration.PollMaxWaitSeconds, defaults.PollMaxWaitSeconds);
            return new DigiCertConnector(configuration, httpClients.CreateClient(DigiCertConnector.HttpClientName), maxWait, time);
        }

        if (string.Equals(row.Type, "Sectigo", StringComparison.OrdinalIgnoreCase))
        {
            var defaults = sectigo.Value;
            var configuration = SectigoConfiguration.Parse(issuerId, row.ConfigurationJson, defaults);
            var maxWait = polling.Value.MaxWaitFor(configuration.PollMaxWaitSeconds, defaults.PollMaxWaitSeconds);
            return new SectigoConnector(configuration, httpClients.CreateClient(SectigoConnector.HttpClientName), maxWait, time);
        }

        if (AcmeConnectors.IsAcme(row.Type))
        {
            return acme.Get(row);
        }

        throw new CertificateAuthorityException($"Issuer '{issuerId}' is of type {row.Type}, which this connector does not issue from yet.");
    }
}
