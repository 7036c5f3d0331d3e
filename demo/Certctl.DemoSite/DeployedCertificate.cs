using System.Security.Cryptography.X509Certificates;

namespace Certctl.DemoSite;

/// <summary>
/// The certificate and key the demo agent last deployed to its PEM folder (<c>fullchain.pem</c>, <c>privkey.pem</c>), read
/// again whenever either file changed, so each new TLS handshake gets the newest certificate without a restart.
/// </summary>
public sealed class DeployedCertificate(string folder, TimeProvider time, ILogger<DeployedCertificate> logger)
{
    private readonly Lock _gate = new();
    private (DateTime Chain, DateTime Key) _loadedStamps;
    private X509Certificate2? _current;

    /// <summary>The folder the demo agent deploys to.</summary>
    public string Folder => folder;

    /// <summary>The deployed certificate with its key, or null while nothing usable is there yet (the handshake then fails).</summary>
    public X509Certificate2? Current()
    {
        var chainPath = Path.Combine(folder, "fullchain.pem");
        var keyPath = Path.Combine(folder, "privkey.pem");
        var stamps = (File.GetLastWriteTimeUtc(chainPath), File.GetLastWriteTimeUtc(keyPath));
        lock (_gate)
        {
            if (_current is not null && stamps == _loadedStamps)
            {
                return _current;
            }

            try
            {
                // The agent renames each file into place, so a read sees a whole file; the two may briefly disagree, and then
                // the pair does not load and the previous certificate keeps serving until both are new.
                var loaded = X509Certificate2.CreateFromPemFile(chainPath, keyPath);
                logger.LogInformation("Serving {Subject}, serial {Serial}, valid until {NotAfter:O}", loaded.Subject, loaded.SerialNumber, loaded.NotAfter);
                _current = loaded;
                _loadedStamps = stamps;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                logger.LogDebug("No usable certificate in {Folder} yet: {Reason}", folder, exception.Message);
            }

            return _current;
        }
    }

    /// <summary>What the site's page says about the certificate it serves.</summary>
    public string Describe() => Current() is { } certificate
        ? $"Certctl demo site. Served with {certificate.Subject}, serial {certificate.SerialNumber}, issued by {certificate.Issuer}, " +
          $"valid {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u} " +
          $"(now {time.GetUtcNow():u}); deployed to {folder} by the demo agent.\n"
        : $"Certctl demo site: nothing deployed to {folder} yet.\n";
}
