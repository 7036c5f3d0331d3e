using System.Globalization;
using System.Text.Json;
using Certctl.CaConnector.Issuers.Vendors;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.Sectigo;

/// <summary>
/// Sectigo Certificate Manager: enrolls the CSR (<c>POST /ssl/v1/enroll</c>), reads the enrollment's status
/// (<c>GET /ssl/v1/{sslId}</c>) and collects the issued certificate as PEM (<c>GET /ssl/v1/collect/{sslId}/pem</c>); every call
/// carries the <c>customerUri</c>, <c>login</c> and <c>password</c> headers. Errors follow <see cref="VendorHttp"/>; a
/// certificate that is issued but not yet collectable is still pending.
/// </summary>
public sealed class SectigoConnector : IAsyncIssuerConnector
{
    /// <summary>The named <see cref="HttpClient"/> the connector uses (no resilience handler: the poller owns retries).</summary>
    public const string HttpClientName = "sectigo";

    private readonly SectigoConfiguration _configuration;
    private readonly VendorHttp _http;

    public SectigoConnector(SectigoConfiguration configuration, HttpClient http, TimeSpan pollMaxWait, TimeProvider time)
    {
        _configuration = configuration;
        PollMaxWait = pollMaxWait;
        _http = new VendorHttp(http, time, Vendor, Authenticate, DescribeError);
    }

    public string Vendor => "Sectigo";

    public TimeSpan PollMaxWait { get; }

    public async Task<IssuerResponse> IssueAsync(IssuerRequest request, CancellationToken cancellationToken)
    {
        using var csr = OrderCsr.For(request);
        var names = CertificateNames.Normalize(request.Leaf.CommonName, request.Leaf.SubjectAlternativeNames);
        var body = new SectigoEnrollRequest(
            _configuration.OrgId!.Value, csr.Pem, _configuration.CertType ?? 0, _configuration.Term!.Value, string.Join(',', names.DnsNames), "Issued by certctl");

        using var response = await _http.SendAsync(HttpMethod.Post, Url("ssl/v1/enroll"), body, "enrollment", cancellationToken);
        await _http.EnsureSuccessAsync(response, "enrollment", cancellationToken);
        var enrolled = await _http.ReadJsonAsync<SectigoEnrollResponse>(response, cancellationToken);
        if (enrolled is not { SslId: > 0 })
        {
            throw new CertificateAuthorityException("Sectigo answered the enrollment without an sslId.");
        }

        var orderId = enrolled.SslId.ToString(CultureInfo.InvariantCulture);
        // A DV certificate may be issued at once. The enrollment stands either way, so a failed look is simply "pending".
        try
        {
            var status = await GetOrderStatusAsync(orderId, csr.SubjectPublicKeyInfo, cancellationToken);
            if (status.Certificate is { } certificate)
            {
                return IssuerResponse.Issued(certificate, csr.PrivateKeyCopy());
            }
        }
        catch (Exception ex) when (ex is IssuerUnavailableException or CertificateAuthorityException)
        {
            // Pending: the poller looks again after the first backoff, with the same rules.
        }

        return IssuerResponse.Pending(orderId, csr.PrivateKeyCopy());
    }

    public async Task<OrderStatus> GetOrderStatusAsync(string orderId, ReadOnlyMemory<byte> subjectPublicKeyInfo, CancellationToken cancellationToken)
    {
        if (!long.TryParse(orderId, NumberStyles.None, CultureInfo.InvariantCulture, out var sslId))
        {
            return OrderStatus.Rejected($"'{orderId}' is not a Sectigo sslId.");
        }

        using var response = await _http.SendAsync(HttpMethod.Get, Url($"ssl/v1/{sslId}"), null, "status request", cancellationToken);
        if (VendorHttp.IsRefusal(response))
        {
            return OrderStatus.Rejected($"Sectigo enrollment {sslId}: status request answered {(int)response.StatusCode}: {await _http.ErrorTextAsync(response, cancellationToken)}");
        }

        await _http.EnsureSuccessAsync(response, "status request", cancellationToken);
        SectigoStatus? info;
        try
        {
            info = await _http.ReadJsonAsync<SectigoStatus>(response, cancellationToken);
        }
        catch (CertificateAuthorityException ex)
        {
            return OrderStatus.Rejected($"Sectigo enrollment {sslId}: {ex.Message}");
        }

        var status = info?.Status?.Trim() ?? "";
        switch (status.ToLowerInvariant())
        {
            case "issued":
                return await CollectAsync(sslId, subjectPublicKeyInfo, cancellationToken);
            case "rejected" or "denied" or "failed" or "revoked" or "expired" or "not enrolled":
                return OrderStatus.Rejected($"Sectigo enrollment {sslId} is {status}.");
            case "applied" or "pending" or "requested" or "approved" or "awaiting approval":
                return OrderStatus.Pending($"Sectigo enrollment {sslId} is {status}.");
            default:
                return OrderStatus.Pending($"Sectigo enrollment {sslId} has the unknown status '{status}'; polling on.");
        }
    }

    private async Task<OrderStatus> CollectAsync(long sslId, ReadOnlyMemory<byte> subjectPublicKeyInfo, CancellationToken cancellationToken)
    {
        using var response = await _http.SendAsync(HttpMethod.Get, Url($"ssl/v1/collect/{sslId}/pem"), null, "collect", cancellationToken);
        if (VendorHttp.IsRefusal(response))
        {
            // Approved but not generated yet (Sectigo answers 400, code -183): wait on the backoff, not in a tight loop.
            return OrderStatus.Pending($"Sectigo enrollment {sslId} is issued but not collectable yet: {await _http.ErrorTextAsync(response, cancellationToken)}");
        }

        await _http.EnsureSuccessAsync(response, "collect", cancellationToken);
        try
        {
            return OrderStatus.Issued(ExternalCertificate.FromPemBundle(await response.Content.ReadAsStringAsync(cancellationToken), subjectPublicKeyInfo.Span));
        }
        catch (IssuerRejectedException ex)
        {
            return OrderStatus.Rejected($"Sectigo enrollment {sslId}: {ex.Message}");
        }
    }

    private void Authenticate(HttpRequestMessage request)
    {
        request.Headers.Add("customerUri", _configuration.CustomerUri);
        request.Headers.Add("login", _configuration.Login);
        request.Headers.Add("password", _configuration.Password);
    }

    private string Url(string path) => $"{_configuration.BaseUrl}/{path}";

    private static string? DescribeError(string body) =>
        JsonSerializer.Deserialize<SectigoError>(body) is { Description: { Length: > 0 } description } error
            ? $"{error.Code}: {description}"
            : null;
}
