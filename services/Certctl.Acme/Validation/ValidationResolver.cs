using System.Net;
using System.Net.Sockets;
using Certctl.Acme.Protocol;
using DnsClient;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Validation;

/// <summary>
/// Name lookups for validations, through the configured resolver (<c>CERTCTL_ACME_SERVER_DNS_RESOLVER</c>) or the machine's, and
/// the address check every connection passes: a name is refused when ANY of its addresses is blocked, so a record set that mixes a
/// public and a private address cannot steer a retry to the private one.
/// </summary>
public sealed class ValidationResolver
{
    private readonly AcmeValidationOptions _options;
    private readonly LookupClient? _configured;

    public ValidationResolver(IOptions<AcmeValidationOptions> options)
    {
        _options = options.Value;
        Client = CreateClient(_options);
        _configured = _options.DnsResolverEndPoint is null ? null : Client;
    }

    /// <summary>The DNS client dns-01 asks for TXT records (the configured resolver, else the machine's name servers).</summary>
    public LookupClient Client { get; }

    /// <summary>
    /// The addresses to connect to for <paramref name="host"/> (a name or an IP literal); throws <see cref="ValidationFailedException"/>
    /// with <c>dns</c> when the name has none and <c>rejectedIdentifier</c> when one is blocked and private addresses are not allowed.
    /// </summary>
    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(
        AcmeIdentifier identifier, string host, bool allowPrivateAddresses, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await LookupAsync(identifier, host, cancellationToken);
        if (addresses.Count == 0)
        {
            throw new ValidationFailedException(ValidationProblems.Dns(identifier, $"No A or AAAA record found for {host}."));
        }

        if (!allowPrivateAddresses)
        {
            foreach (var address in addresses)
            {
                if (BlockedAddresses.Reason(address) is { } reason)
                {
                    throw new ValidationFailedException(ValidationProblems.RejectedIdentifier(
                        identifier, $"{host} resolves to {address}, a {reason} address this server does not connect to for validation."));
                }
            }
        }

        return addresses;
    }

    private async Task<IReadOnlyList<IPAddress>> LookupAsync(AcmeIdentifier identifier, string host, CancellationToken cancellationToken)
    {
        try
        {
            if (_configured is null)
            {
                // The machine's resolver, /etc/hosts included, as every other program on the host sees names.
                return await Dns.GetHostAddressesAsync(host, cancellationToken);
            }

            var v4 = _configured.QueryAsync(host, QueryType.A, QueryClass.IN, cancellationToken);
            var v6 = _configured.QueryAsync(host, QueryType.AAAA, QueryClass.IN, cancellationToken);
            var answers = await Task.WhenAll(v4, v6);
            if (answers[0].Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
            {
                throw new ValidationFailedException(ValidationProblems.Dns(identifier, $"NXDOMAIN looking up A for {host}."));
            }

            return [.. answers[0].Answers.ARecords().Select(a => a.Address), .. answers[1].Answers.AaaaRecords().Select(a => a.Address)];
        }
        catch (SocketException ex)
        {
            throw new ValidationFailedException(ValidationProblems.Dns(identifier, $"Looking up {host} failed: {ex.SocketErrorCode}."));
        }
        catch (DnsResponseException ex)
        {
            throw new ValidationFailedException(ValidationProblems.Dns(identifier, $"Looking up {host} failed: {ex.Code}."));
        }
    }

    private static LookupClient CreateClient(AcmeValidationOptions options)
    {
        var lookupOptions = options.DnsResolverEndPoint is { } endPoint ? new LookupClientOptions(endPoint) : new LookupClientOptions();
        // Fresh answers every time (a challenge is often answered seconds after the record is set), one retry, errors as responses.
        lookupOptions.UseCache = false;
        lookupOptions.Retries = 1;
        lookupOptions.Timeout = options.ConnectTimeout;
        lookupOptions.ThrowDnsErrors = false;
        lookupOptions.ContinueOnDnsError = false;
        lookupOptions.UseTcpFallback = true;
        return new LookupClient(lookupOptions);
    }
}
