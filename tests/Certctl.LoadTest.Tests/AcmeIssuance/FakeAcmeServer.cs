using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Certctl.LoadTest.Tests.AcmeIssuance;

/// <summary>
/// A trust_authenticated ACME server in an HttpMessageHandler, strict where the real one is: every POST must be a JWS that
/// verifies, carry the last nonce handed out to it and sign the URL it was sent to, and the CSR must name the order's identifier.
/// Orders stay processing for <see cref="PollsBeforeValid"/> polls; the first new-order is answered badNonce once.
/// </summary>
internal sealed class FakeAcmeServer : HttpMessageHandler
{
    public const string Base = "http://localhost:8080/acme/profile/p/";

    private readonly Lock gate = new();
    private readonly HashSet<string> nonces = [];
    private readonly Dictionary<string, JsonElement> accounts = [];
    private readonly Dictionary<string, (string Name, int Polls, string Account)> orders = [];
    private int counter;
    private bool badNonceSent;

    public int PollsBeforeValid { get; init; } = 2;

    /// <summary>Called with the count after each certificate download.</summary>
    public Action<int>? OnCertificate { get; init; }

    public List<string> Faults { get; } = [];

    public int Certificates { get; private set; }

    public int Polls { get; private set; }

    public static string Directory => $$"""{"newNonce":"{{Base}}new-nonce","newAccount":"{{Base}}new-account","newOrder":"{{Base}}new-order"}""";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        lock (gate)
        {
            var response = Answer(request, body);
            response.Headers.Add("Replay-Nonce", NewNonce());
            response.RequestMessage = request;
            return response;
        }
    }

    private HttpResponseMessage Answer(HttpRequestMessage request, byte[] body)
    {
        var url = request.RequestUri!.ToString();
        if (request.Method == HttpMethod.Head && url == Base + "new-nonce")
        {
            return new HttpResponseMessage(HttpStatusCode.OK);
        }

        if (request.Method != HttpMethod.Post || request.Content!.Headers.ContentType?.MediaType != "application/jose+json")
        {
            return Fault($"not a JOSE POST: {request.Method} {url}");
        }

        var header = Jws.ReadHeader(body);
        var kid = header.TryGetProperty("kid", out var k) ? k.GetString()! : null;
        var jws = kid is null ? Jws.Read(body) : accounts.TryGetValue(kid, out var key) ? Jws.Read(body, key) : null;
        if (jws is null || !jws.Verified)
        {
            return Fault($"signature does not verify on {url}");
        }

        if (header.GetProperty("url").GetString() != url)
        {
            return Fault($"signed url {header.GetProperty("url")} is not {url}");
        }

        if (!nonces.Remove(header.GetProperty("nonce").GetString()!))
        {
            return Fault($"unknown nonce on {url}");
        }

        if (url == Base + "new-account" && kid is null)
        {
            var id = Base + "account/" + ++counter;
            accounts[id] = header.GetProperty("jwk").Clone();
            var created = Json(HttpStatusCode.Created, """{"status":"valid"}""");
            created.Headers.Location = new Uri(id);
            return created;
        }

        if (kid is null)
        {
            return Fault($"jwk where a kid belongs on {url}");
        }

        if (url == Base + "new-order")
        {
            if (!badNonceSent)
            {
                badNonceSent = true;
                return Json(HttpStatusCode.BadRequest, """{"type":"urn:ietf:params:acme:error:badNonce","status":400}""", "application/problem+json");
            }

            var name = JsonDocument.Parse(jws.Payload).RootElement.GetProperty("identifiers")[0].GetProperty("value").GetString()!;
            var id = (++counter).ToString(System.Globalization.CultureInfo.InvariantCulture);
            orders[id] = (name, 0, kid);
            var created = Json(HttpStatusCode.Created, Order(id, "ready"));
            created.Headers.Location = new Uri(Base + "order/" + id);
            return created;
        }

        var parts = url[Base.Length..].Split('/');
        if (parts is ["order", var orderId, "finalize"] && orders.TryGetValue(orderId, out var order) && order.Account == kid)
        {
            var der = Base64Url.DecodeFromChars(JsonDocument.Parse(jws.Payload).RootElement.GetProperty("csr").GetString());
            var csr = CertificateRequest.LoadSigningRequest(der, System.Security.Cryptography.HashAlgorithmName.SHA256);
            if (csr.SubjectName.Name != "CN=" + order.Name)
            {
                return Fault($"CSR names {csr.SubjectName.Name}, order {order.Name}");
            }

            var answer = Json(HttpStatusCode.OK, Order(orderId, "processing"));
            answer.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
            return answer;
        }

        if (parts is ["order", var polledId] && orders.TryGetValue(polledId, out var polled) && polled.Account == kid && jws.Payload.Length == 0)
        {
            Polls++;
            orders[polledId] = polled with { Polls = polled.Polls + 1 };
            return Json(HttpStatusCode.OK, Order(polledId, polled.Polls + 1 >= PollsBeforeValid ? "valid" : "processing"));
        }

        if (parts is ["cert", var certId] && orders.TryGetValue(certId, out var issued) && issued.Account == kid && jws.Payload.Length == 0)
        {
            Certificates++;
            OnCertificate?.Invoke(Certificates);
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", Encoding.ASCII, "application/pem-certificate-chain"),
            };
        }

        return Fault($"nothing at {url}");
    }

    private static string Order(string id, string status) =>
        $$"""{"status":"{{status}}","finalize":"{{Base}}order/{{id}}/finalize"{{(status == "valid" ? $",\"certificate\":\"{Base}cert/{id}\"" : "")}}}""";

    private string NewNonce()
    {
        var nonce = "nonce-" + ++counter;
        nonces.Add(nonce);
        return nonce;
    }

    private HttpResponseMessage Fault(string reason)
    {
        Faults.Add(reason);
        return Json(HttpStatusCode.BadRequest, """{"type":"urn:ietf:params:acme:error:malformed","status":400}""", "application/problem+json");
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, mediaType) };
}
