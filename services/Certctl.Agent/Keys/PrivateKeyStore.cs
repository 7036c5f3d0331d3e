using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Certctl.Agent.Options;
using Certctl.Agent.Platform;
using Microsoft.Extensions.Options;

namespace Certctl.Agent.Keys;

/// <summary>
/// The host's private keys: <c>&lt;key dir&gt;/&lt;certificate id&gt;.key</c>, SEC1 PEM, mode 0600 in a 0700 folder. Keys are
/// made here and never leave the host.
/// </summary>
public sealed class PrivateKeyStore(IOptions<AgentOptions> options)
{
    private const string PreviousSuffix = ".previous";

    /// <summary>The key file of <paramref name="certificateId"/>.</summary>
    public string PathOf(string certificateId) => Path.Combine(options.Value.KeyDirectory, SafeFileName.For(certificateId) + ".key");

    /// <summary>Makes a new ECDSA P-256 key for <paramref name="certificateId"/> and stores it, replacing the current key.</summary>
    /// <remarks>
    /// The replaced key is kept as <c>.key.previous</c>: until the certificate for the new key arrives, a redeployment of
    /// the current certificate still needs it.
    /// </remarks>
    public ECDsa CreateKey(string certificateId)
    {
        var path = PathOf(certificateId);
        PrivateFolder.Ensure(options.Value.KeyDirectory);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = key.ExportECPrivateKey();
        var chars = PemEncoding.Write("EC PRIVATE KEY", der);
        var pem = Encoding.ASCII.GetBytes(chars);
        try
        {
            if (File.Exists(path))
            {
                File.Move(path, path + PreviousSuffix, overwrite: true);
            }

            PrivateFolder.WriteSecret(path, pem);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            CryptographicOperations.ZeroMemory(pem);
            Array.Clear(chars);
        }

        return key;
    }

    /// <summary>The PEM of the stored key whose public half is <paramref name="certificate"/>'s, or null when no stored key matches.</summary>
    public string? FindKeyFor(string certificateId, X509Certificate2 certificate)
    {
        var path = PathOf(certificateId);
        using var certificateKey = certificate.GetECDsaPublicKey();
        if (certificateKey is null)
        {
            return null; // the agent makes only ECDSA keys; any other certificate was not made for one of them
        }

        var expected = certificateKey.ExportSubjectPublicKeyInfo();
        foreach (var candidate in new[] { path, path + PreviousSuffix })
        {
            if (!File.Exists(candidate))
            {
                continue;
            }

            var pem = File.ReadAllText(candidate);
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            if (key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(expected))
            {
                return pem;
            }
        }

        return null;
    }
}
