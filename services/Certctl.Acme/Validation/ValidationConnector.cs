using System.Net;
using System.Net.Sockets;
using Certctl.Acme.Protocol;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Validation;

/// <summary>
/// Opens the TCP connection of an http-01 or tls-alpn-01 validation to an address the resolver vetted, trying each in turn with the
/// connect timeout. Connecting by the vetted address (never by name again) leaves no second lookup to rebind.
/// </summary>
public sealed class ValidationConnector(ValidationResolver resolver, IOptions<AcmeValidationOptions> options)
{
    /// <summary>A connected stream to <paramref name="host"/>:<paramref name="port"/>; throws <see cref="ValidationFailedException"/> otherwise.</summary>
    public async Task<NetworkStream> ConnectAsync(
        AcmeIdentifier identifier, string host, int port, bool allowPrivateAddresses, CancellationToken cancellationToken)
    {
        var addresses = await resolver.ResolveAsync(identifier, host, allowPrivateAddresses, cancellationToken);
        var failures = new List<string>();
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(options.Value.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), connectTimeout.Token);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failures.Add($"{Format(address, port)}: {ex.SocketErrorCode}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                failures.Add($"{Format(address, port)}: connect timed out after {options.Value.ConnectTimeoutSeconds} s");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new ValidationFailedException(ValidationProblems.Connection(identifier, $"Could not connect to {host}: {string.Join("; ", failures)}."));
    }

    private static string Format(IPAddress address, int port) => new IPEndPoint(address, port).ToString();
}
