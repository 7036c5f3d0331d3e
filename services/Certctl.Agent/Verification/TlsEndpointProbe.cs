using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Agent.Verification;

/// <summary>What an endpoint served: the SHA-256 (lower-case hex) of its leaf, or why the handshake failed.</summary>
public sealed record ProbeResult(string? Fingerprint, string? Error);

/// <summary>
/// Connects to <c>host:port</c> with SNI and reads the leaf the server presents. The chain is deliberately not validated:
/// the question is "which certificate is served", not "is it trusted", and a private CA's leaf must be comparable too.
/// </summary>
public class TlsEndpointProbe
{
    /// <summary>The served leaf's fingerprint, or the error, within <paramref name="timeout"/>.</summary>
    public virtual async Task<ProbeResult> ProbeAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, deadline.Token);
            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            }, deadline.Token);
            if (tls.RemoteCertificate is null)
            {
                return new ProbeResult(null, "the endpoint presented no certificate");
            }

            return new ProbeResult(Convert.ToHexStringLower(SHA256.HashData(tls.RemoteCertificate.GetRawCertData())), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProbeResult(null, $"no TLS handshake with {host}:{port} within {timeout.TotalSeconds:0} s");
        }
        catch (Exception exception) when (exception is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return new ProbeResult(null, $"TLS handshake with {host}:{port} failed: {exception.Message}");
        }
    }

    /// <summary>The SHA-256 of the certificate's DER, lower-case hex, as the server stores fingerprints.</summary>
    public static string Fingerprint(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawDataMemory.Span));
}
