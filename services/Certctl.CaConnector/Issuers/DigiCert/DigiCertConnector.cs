using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Certctl.CaConnector.Issuance;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.DigiCert;

/// <summary>
/// DigiCert CertCentral: submits an order with the CSR (<c>POST /order/certificate/{product_type}</c>, one year), polls it
/// (<c>GET /order/certificate/{order_id}</c>) and downloads the issued certificate as a PEM chain
/// (<c>GET /certificate/{certificate_id}/download/format/pem_all</c>); every call carries the <c>X-DC-DEVKEY</c> header.
/// </summary>
/// <remarks>
/// 429 and 5xx answers and network errors are transient (<see cref="IssuerUnavailableException"/>, with the Retry-After);
/// 401/403 mean the API key is refused (the operator must act); any other 4xx is the CA refusing the order.
/// </remarks>
public sealed class DigiCertConnector(DigiCertConfiguration configuration, HttpClient http, TimeSpan pollMaxWait, TimeProvider time)
    : IAsyncIssuerConnector
{
    /// <summary>The named <see cref="HttpClient"/> the connector uses (no resilience handler: the poller owns retries).</summary>
    public const string HttpClientName = "digicert";

    private const string ApiKeyHeader = "X-DC-DEVKEY";

    public string Vendor => "DigiCert";

    public TimeSpan PollMaxWait => pollMaxWait;

    public async Task<IssuerResponse> IssueAsync(IssuerRequest request, CancellationToken cancellationToken)
    {
        using var serverKey = request.CsrPem is null
            ? ServerKeyCsr.Create(request.Leaf, ProfileColumns.ServerKeyFor(request.Profile), request.Profile)
            : null;
        var csrPem = serverKey?.CsrPem ?? request.CsrPem!;
        var subjectPublicKeyInfo = serverKey?.SubjectPublicKeyInfo ?? ExternalCsr.Check(csrPem, request.Profile);
        var names = CertificateNames.Normalize(request.Leaf.CommonName, request.Leaf.SubjectAlternativeNames);
        var commonName = names.CommonName ?? names.DnsNames.FirstOrDefault()
            ?? throw new InvalidNameException("A DigiCert order needs a common name or a DNS name.");
        var body = new DigiCertOrderRequest(
            new DigiCertOrderCertificate(commonName, names.DnsNames, csrPem, "sha256"),
            new DigiCertOrganization(configuration.OrgId!.Value),
            ValidityYears: 1);

        using var response = await SendAsync(HttpMethod.Post, $"order/certificate/{configuration.ProductType}", body, "order submission", cancellationToken);
        await EnsureSuccessAsync(response, "order submission", cancellationToken);
        var order = await ReadJsonAsync<DigiCertOrderResponse>(response, cancellationToken)
            ?? throw new CertificateAuthorityException("DigiCert answered the order submission with a body that is not an order.");
        var privateKey = serverKey?.PrivateKeyPkcs8.ToArray();
        if (IsIssued(order.Status) && order.CertificateId is > 0)
        {
            var certificate = await DownloadAsync(order.CertificateId.Value, subjectPublicKeyInfo, cancellationToken);
            return IssuerResponse.Issued(certificate, privateKey);
        }

        return IssuerResponse.Pending(order.Id.ToString(CultureInfo.InvariantCulture), privateKey);
    }

    public async Task<OrderStatus> GetOrderStatusAsync(string orderId, ReadOnlyMemory<byte> subjectPublicKeyInfo, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"order/certificate/{Uri.EscapeDataString(orderId)}", null, "order status", cancellationToken);
        if ((int)response.StatusCode is >= 400 and < 500 and not (401 or 403 or 429))
        {
            return OrderStatus.Rejected($"DigiCert order {orderId}: status request answered {(int)response.StatusCode}: {await ErrorTextAsync(response, cancellationToken)}");
        }

        await EnsureSuccessAsync(response, "order status", cancellationToken);
        DigiCertOrderInfo? info;
        try
        {
            info = await ReadJsonAsync<DigiCertOrderInfo>(response, cancellationToken);
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
        using var response = await SendAsync(HttpMethod.Get, $"certificate/{certificateId}/download/format/pem_all", null, "certificate download", cancellationToken);
        if ((int)response.StatusCode is >= 400 and < 500 and not (401 or 403))
        {
            // Issued but not downloadable yet (it happens right after issuance): not a reason to give the order up.
            throw new IssuerUnavailableException($"DigiCert certificate {certificateId} download answered {(int)response.StatusCode}.");
        }

        await EnsureSuccessAsync(response, "certificate download", cancellationToken);
        var bundle = await response.Content.ReadAsStringAsync(cancellationToken);
        return ExternalCertificate.FromPemBundle(bundle, subjectPublicKeyInfo.Span);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, $"{configuration.BaseUrl}/{path}");
        request.Headers.Add(ApiKeyHeader, configuration.ApiKey);
        request.Headers.Accept.ParseAdd("application/json");
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new IssuerUnavailableException($"DigiCert {what} failed: {ex.Message}", null, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IssuerUnavailableException($"DigiCert {what} timed out.", null, ex);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var detail = await ErrorTextAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests || code >= 500)
        {
            throw new IssuerUnavailableException($"DigiCert {what} answered {code}: {detail}", RetryAfter(response));
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new CertificateAuthorityException($"DigiCert refused the API key on {what} ({code}): {detail}");
        }

        throw new IssuerRejectedException($"DigiCert refused the {what} ({code}): {detail}");
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static bool IsIssued(string? status) => status?.Trim().ToLowerInvariant() is "issued" or "completed";

    private static async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new CertificateAuthorityException($"DigiCert answered with a body that does not parse: {ex.Message}", ex);
        }
    }

    private static async Task<string> ErrorTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            var errors = JsonSerializer.Deserialize<DigiCertErrors>(text)?.Errors;
            if (errors is { Count: > 0 })
            {
                return string.Join("; ", errors.Select(error => $"{error.Code}: {error.Message}"));
            }
        }
        catch (JsonException)
        {
            // Not CertCentral's error shape (a proxy's page): report the start of the text instead.
        }

        return text.Length > 300 ? text[..300] : text;
    }
}
