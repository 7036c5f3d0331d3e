using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.CaConnector.RenewalInfo;

/// <summary>
/// One <see cref="HttpClient"/> per ACME issuer's TLS settings (system trust, a CA bundle, or none for <c>insecure</c>),
/// kept for the process; changing an issuer's settings gives it a new client. Timeouts are per request (the issuer's
/// <c>ari_http_timeout_seconds</c>), not on the client.
/// </summary>
public sealed class AriHttpClients : IDisposable
{
    private readonly ConcurrentDictionary<(bool Insecure, string? Bundle), Lazy<HttpClient>> _clients = new();

    /// <exception cref="AriConfigurationException">The CA bundle file cannot be read or holds no certificate.</exception>
    public HttpClient For(AcmeAriConfiguration configuration)
    {
        var key = (configuration.Insecure ?? false, string.IsNullOrWhiteSpace(configuration.CaBundlePath) ? null : configuration.CaBundlePath.Trim());
        var entry = _clients.GetOrAdd(key, settings => new Lazy<HttpClient>(() => Create(settings.Insecure, settings.Bundle)));
        try
        {
            return entry.Value;
        }
        catch
        {
            // A bundle fixed on disk is read again on the next poll.
            _clients.TryRemove(KeyValuePair.Create(key, entry));
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(entry => entry.IsValueCreated))
        {
            client.Value.Dispose();
        }

        _clients.Clear();
    }

    private static HttpClient Create(bool insecure, string? bundlePath)
    {
        var handler = new SocketsHttpHandler
        {
            // DNS changes of the CA are picked up; idle connections do not pile up between hourly polls.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = AcmeAriConfiguration.MaxTimeout,
        };
        if (insecure)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (bundlePath is not null)
        {
            var roots = LoadBundle(bundlePath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => TrustedBy(roots, certificate, chain, errors);
        }

        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static X509Certificate2Collection LoadBundle(string path)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new AriConfigurationException($"The CA bundle '{path}' cannot be read: {ex.Message}", ex);
        }

        return roots.Count > 0 ? roots : throw new AriConfigurationException($"The CA bundle '{path}' holds no certificate.");
    }

    // The system store's verdict stands when it is positive; otherwise only a chain error may be overturned by the bundle, never a name mismatch.
    private static bool TrustedBy(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
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

        var leaf = certificate as X509Certificate2;
        using var loaded = leaf is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        return chain.Build(leaf ?? loaded!);
    }
}
