using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.CaConnector.Polling;
using Certctl.Domain;
using Certctl.Issuance;
using Microsoft.Extensions.Options;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>
/// The <see cref="AcmeConnector"/> of each ACME issuer, kept while its configuration is unchanged: the directory, the nonce
/// pool, the account session and the HTTP connection (with the issuer's own TLS trust) live across orders.
/// </summary>
public sealed class AcmeConnectors(
    AcmeAccountStore accounts,
    Http01ChallengeStore http01,
    Http01Responder responder,
    IOptions<AsyncPollOptions> polling,
    IOptions<AcmeOptions> options,
    TimeProvider time,
    ILoggerFactory loggers)
{
    public const string IssuerType = "ACME";

    private readonly ConcurrentDictionary<string, (string Json, AcmeConnector Connector)> _connectors = new(StringComparer.Ordinal);

    /// <summary>True for the type names of an ACME issuer, in any case.</summary>
    public static bool IsAcme(string type) => string.Equals(type, IssuerType, StringComparison.OrdinalIgnoreCase);

    /// <exception cref="CertificateAuthorityException">The configuration is invalid, or its <c>ca_bundle_path</c> cannot be read.</exception>
    public AcmeConnector Get(IssuerRow row)
    {
        if (_connectors.TryGetValue(row.Id, out var cached) && cached.Json == row.ConfigurationJson)
        {
            return cached.Connector;
        }

        var configuration = Parse(row);
        var client = new AcmeClient(new HttpClient(Handler(row.Id, configuration)) { Timeout = TimeSpan.FromSeconds(30) }, new Uri(configuration.DirectoryUrl!), time);
        var logger = loggers.CreateLogger<AcmeConnector>();
        var connector = new AcmeConnector(row.Id, configuration, client, new AcmeAccounts(row.Id, configuration, client, accounts, logger), http01, responder,
            polling.Value.MaxWaitFor(configuration.PollMaxWaitSeconds, 0), TimeSpan.FromSeconds(options.Value.FinalizeWaitSeconds), time, logger);
        // An operator's change replaces the connector; the old one's in-flight calls finish on their own client.
        _connectors[row.Id] = (row.ConfigurationJson, connector);
        return connector;
    }

    /// <summary>The configuration of an ACME issuer row.</summary>
    /// <exception cref="CertificateAuthorityException">It does not parse or breaks a rule.</exception>
    public static AcmeIssuerConfiguration Parse(IssuerRow row) =>
        AcmeIssuerConfiguration.TryRead(row.ConfigurationJson, out var configuration) is { } problem
            ? throw new CertificateAuthorityException($"ACME issuer '{row.Id}': {problem}")
            : configuration!;

    private static SocketsHttpHandler Handler(string issuerId, AcmeIssuerConfiguration configuration)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (configuration.Insecure)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (!string.IsNullOrWhiteSpace(configuration.CaBundlePath))
        {
            var roots = LoadRoots(issuerId, configuration.CaBundlePath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => TrustedBy(roots, certificate, chain, errors);
        }

        return handler;
    }

    private static X509Certificate2Collection LoadRoots(string issuerId, string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new CertificateAuthorityException($"ACME issuer '{issuerId}': ca_bundle_path {path} cannot be read: {ex.Message}", ex);
        }

        return roots.Count > 0 ? roots : throw new CertificateAuthorityException($"ACME issuer '{issuerId}': ca_bundle_path {path} holds no certificate.");
    }

    // The host name must still match; only the roots are replaced by the bundle's.
    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
