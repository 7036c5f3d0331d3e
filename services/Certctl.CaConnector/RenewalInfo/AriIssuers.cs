using Certctl.CaConnector.Issuers;
using Certctl.Issuance;
using Npgsql;

namespace Certctl.CaConnector.RenewalInfo;

/// <summary>The enabled ACME issuers with ARI on, their configuration decrypted; read once per poll run.</summary>
public sealed class AriIssuers(NpgsqlDataSource db, IssuerRows rows, AriMetrics metrics, ILogger<AriIssuers> logger)
{
    /// <summary>
    /// Every enabled ACME issuer: those with ARI on and a usable configuration, and those whose configuration could not be
    /// read (their certificates keep what they have until it can).
    /// </summary>
    public async Task<AriIssuerSet> LoadAsync(CancellationToken cancellationToken)
    {
        // Issuer rows are few; reading them one by one lets one undecryptable row fail alone.
        var ids = new List<string>();
        await using (var command = db.CreateCommand("SELECT id FROM issuers WHERE enabled AND lower(type) = 'acme' ORDER BY id"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }

        var enabled = new Dictionary<string, AcmeAriConfiguration>(StringComparer.Ordinal);
        var unreadable = new List<string>();
        foreach (var id in ids)
        {
            try
            {
                var configuration = AcmeAriConfiguration.Parse(await rows.GetAsync(id, cancellationToken));
                if (configuration.Enabled)
                {
                    enabled[id] = configuration;
                }
            }
            catch (Exception ex) when (ex is AriConfigurationException or CertificateAuthorityException)
            {
                metrics.IssuerError();
                logger.LogError("ACME issuer {IssuerId} is skipped by the ARI poller: {Message}", id, ex.Message);
                unreadable.Add(id);
            }
        }

        return new AriIssuerSet(enabled, unreadable);
    }
}

/// <summary>The ARI issuers of one run, and the ACME issuers whose configuration could not be read.</summary>
public sealed record AriIssuerSet(IReadOnlyDictionary<string, AcmeAriConfiguration> Enabled, IReadOnlyList<string> Unreadable);
