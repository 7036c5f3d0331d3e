using System.Globalization;
using System.Text.Json;
using Certctl.CaConnector.Issuers.Vendors;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.DigiCert;

/// <summary>
/// DigiCert CertCentral: submits an order with the CSR (<c>POST /order/certificate/{product_type}</c>, one year), polls it
/// (<c>GET /order/certificate/{order_id}</c>) and downloads the issued certificate as a PEM chain
/// (<c>GET /certificate/{certificate_id}/download/format/pem_all</c>); every call carries the <c>X-DC-DEVKEY</c> header.
/// Errors follow <see cref="VendorHttp"/>.
/// </summary>
public sealed class DigiCertConnector : IAsyncIssuerConnector
{
    /// <summary>The named <see cref="HttpClient"/> the connector uses (no resilience handler: the poller owns retries).</summary>
    public const string HttpClientName = "digicert";

    private readonly DigiCertConfiguration _configuration;
    private readonly VendorHttp _http;

    public DigiCertConnector(DigiCertConfiguration configuration, HttpClient http, TimeSpan pollMaxWait, TimeProvider time)
    {
        _configuration = configuration;
        PollMaxWait = pollMaxWait;
        _http = new VendorHttp(http, time, Vendor, request => request.Headers.Add("X-DC-DEVKEY", configuration.ApiKey), DescribeError);
    }

    public string Vendor => "DigiCert";

    public TimeSpan PollMaxWait { get; }

    public async Task<IssuerResponse> IssueAsync(IssuerRequest request, CancellationToken cancellationToken)
    {
        using var csr = OrderCsr.For(request);
        var names = CertificateNames.Normalize(request.Leaf.CommonName, request.Leaf.SubjectAlternativeNames);
        var commonName = names.CommonName ?? names.DnsNames.FirstOrDefault()
            ?? throw new InvalidNameException("A DigiCert order needs a common name or a DNS name.");
        var body = new DigiCertOrderRequest(
            new DigiCertOrderCertificate(commonName, names.DnsNames, csr.Pem, "sha256"),
            new DigiCertOrganization(_configuration.OrgId!.Value),
            ValidityYears: 1);

        using var response = await _http.SendAsync(HttpMethod.Post, Url($"order/certificate/{_configuration.ProductType}"), body, "order submission", cancellationToken);
        await _http.EnsureSuccessAsync(response, "order submission", cancellationToken);
        var order = await _http.ReadJsonAsync<DigiCertOrderResponse>(response, cancellationToken)
            ?? throw new CertificateAuthorityException("DigiCert answered the order submission with a body that is not an order.");
        if (IsIssued(order.Status) && order.CertificateId is > 0)
        {
            var certificate = await DownloadAsync(order.CertificateId.Value, csr.SubjectPublicKeyInfo, cancellationToken);
            return IssuerResponse.Issued(certificate, csr.PrivateKeyCopy());
        }

        return IssuerResponse.Pending(order.Id.ToString(CultureInfo.InvariantCulture), csr.PrivateKeyCopy());
    }

    public async Task<OrderStatus> GetOrderStatusAsync(string orderId, ReadOnlyMemory<byte> subjectPublicKeyInfo, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(HttpMethod.Get, Url($"order/certificate/{Uri.EscapeDataString(orderId)}"), null, "order status", cancellationToken);
        if (VendorHttp.IsRefusal(response))
        {
            return OrderStatus.Rejected($"DigiCert order {orderId}: status request answered {(int)response.StatusCode}: {await _http.ErrorTextAsync(response, cancellationToken)}");
        }

        await _http.EnsureSuccessAsync(response, "order status", cancellationToken);
        DigiCertOrderInfo? info;
        try
        {
            info = await _http.ReadJsonAsync<DigiCertOrderInfo>(response, cancellationToken);
        }
        catch (CertificateAuthorityException ex)
        {
            return OrderStatus.Rejected($"DigiCert order {orderId}: {ex.Message}");
        }

        var status = info?.Status?.Trim().ToLowerInvariant() ?? "";
        if (IsIssued(status))
        {
            if (info!.Certificate is not { Id: > 0 } certificate)
            {
                throw new IssuerUnavailableException($"DigiCert order {orderId} is issued but names no certificate yet.");
            }

            try
            {
                return OrderStatus.Issued(await DownloadAsync(certificate.Id, subjectPublicKeyInfo, cancellationToken));
            }
            catch (IssuerRejectedException ex)
            {
                return OrderStatus.Rejected($"DigiCert order {orderId}: {ex.Message}");
            }
        }

        return status switch
        {
            "rejected" or "denied" or "failed" or "canceled" or "cancelled" or "revoked" or "expired" =>
                OrderStatus.Rejected($"DigiCert order {orderId} is {status}."),
            "pending" or "processing" or "needs_approval" or "awaiting_approval" or "reissue_pending" =>
                OrderStatus.Pending($"DigiCert order {orderId} is {status}."),
            _ => OrderStatus.Pending($"DigiCert order {orderId} has the unknown status '{status}'; polling on."),
        };
    }

    private async Task<IssuedCertificate> DownloadAsync(long certificateId, ReadOnlyMemory<byte> subjectPublicKeyInfo, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(HttpMethod.Get, Url($"certificate/{certificateId}/download/format/pem_all"), null, "certificate download", cancellationToken);
        if (VendorHttp.IsRefusal(response))
        {
            // Issued but not downloadable yet (it happens right after issuance): not a reason to give the order up.
            throw new IssuerUnavailableException($"DigiCert certificate {certificateId} download answered {(int)response.StatusCode}.");
        }

        await _http.EnsureSuccessAsync(response, "certificate download", cancellationToken);
        var bundle = await response.Content.ReadAsStringAsync(cancellationToken);
        return ExternalCertificate.FromPemBundle(bundle, subjectPublicKeyInfo.Span);
    }

    private string Url(string path) => $"{_configuration.BaseUrl}/{path}";

    private static bool IsIssued(string? status) => status?.Trim().ToLowerInvariant() is "issued" or "completed";

    // CertCentral's error body: {"errors":[{"code":"…","message":"…"}]}.
    private static string? DescribeError(string body) =>
        JsonSerializer.Deserialize<DigiCertErrors>(body)?.Errors is { Count: > 0 } errors
            ? string.Join("; ", errors.Select(error => $"{error.Code}: {error.Message}"))
            : null;
}
