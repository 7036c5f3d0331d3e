namespace Certctl.CaConnector.Issuers;

/// <summary>A CA that takes orders and issues later (DigiCert, Sectigo, Entrust, GlobalSign style); the poller asks it how an order stands.</summary>
public interface IAsyncIssuerConnector : IIssuerConnector
{
    /// <summary>The vendor's name in configuration and logs, e.g. <c>DigiCert</c>.</summary>
    string Vendor { get; }

    /// <summary>How long the poller keeps polling an order with backoff before it parks it for a later tick.</summary>
    TimeSpan PollMaxWait { get; }

    /// <summary>Where the order stands; when issued, the certificate, checked to certify <paramref name="subjectPublicKeyInfo"/>.</summary>
    /// <exception cref="IssuerUnavailableException">The CA is unreachable, overloaded (429) or failing (5xx); poll again later.</exception>
    /// <exception cref="Certctl.Issuance.CertificateAuthorityException">The issuer is misconfigured (e.g. its API key is refused).</exception>
    Task<OrderStatus> GetOrderStatusAsync(string orderId, ReadOnlyMemory<byte> subjectPublicKeyInfo, CancellationToken cancellationToken);
}
