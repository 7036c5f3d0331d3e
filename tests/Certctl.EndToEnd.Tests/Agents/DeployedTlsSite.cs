using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.EndToEnd.Tests.Agents;

/// <summary>
/// The "web server" of a PEM folder target: a TLS listener on localhost that presents whatever <c>fullchain.pem</c> and
/// <c>privkey.pem</c> hold at each handshake, so the agent's TLS check after a deployment sees the deployed certificate.
/// </summary>
internal sealed class DeployedTlsSite : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _folder;
    private readonly Task _accepting;

    public DeployedTlsSite(string folder)
    {
        _folder = folder;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        using var certificate = X509Certificate2.CreateFromPemFile(Path.Combine(_folder, "fullchain.pem"), Path.Combine(_folder, "privkey.pem"));
                        await using var tls = new SslStream(client.GetStream());
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
                    }
                    catch (Exception exception) when (exception is IOException or System.Security.Authentication.AuthenticationException
                                                          or System.Security.Cryptography.CryptographicException)
                    {
                        // Nothing deployed yet, or the probe hung up right after the handshake.
                    }
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
