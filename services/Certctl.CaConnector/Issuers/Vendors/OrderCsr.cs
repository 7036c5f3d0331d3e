using Certctl.CaConnector.Issuance;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.Vendors;

/// <summary>
/// The CSR an order is placed with: in server key mode one made here with its key (<see cref="ServerKey"/>, dispose to wipe);
/// in agent key mode the agent's, checked first so no paid order is spent on a bad CSR.
/// </summary>
public sealed class OrderCsr : IDisposable
{
    private OrderCsr(string pem, byte[] subjectPublicKeyInfo, ServerKeyCsr? serverKey)
    {
        Pem = pem;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        ServerKey = serverKey;
    }

    public string Pem { get; }

    /// <summary>The key the CA's certificate must certify.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    public ServerKeyCsr? ServerKey { get; }

    /// <exception cref="IssuanceRejectedException">The agent's CSR is bad, or the profile allows no key this engine makes.</exception>
    public static OrderCsr For(IssuerRequest request)
    {
        if (request.CsrPem is { } agentCsr)
        {
            return new OrderCsr(agentCsr, ExternalCsr.Check(agentCsr, request.Profile), null);
        }

        var made = ServerKeyCsr.Create(request.Leaf, ProfileColumns.ServerKeyFor(request.Profile), request.Profile);
        return new OrderCsr(made.CsrPem, made.SubjectPublicKeyInfo, made);
    }

    /// <summary>A copy of the server-made key for the response (which wipes it in turn); null in agent key mode.</summary>
    public byte[]? PrivateKeyCopy() => ServerKey?.PrivateKeyPkcs8.ToArray();

    public void Dispose() => ServerKey?.Dispose();
}
