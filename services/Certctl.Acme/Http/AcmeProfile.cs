namespace Certctl.Acme.Http;

/// <summary>What the ACME server needs of a certificate profile: its id, how orders are authorized, and the SSRF opt-in.</summary>
public sealed record AcmeProfile(string Id, string AuthMode, bool AllowPrivateAddresses)
{
    /// <summary>Orders are ready at once for any authenticated account (internal PKI).</summary>
    public const string TrustAuthenticated = "trust_authenticated";

    /// <summary>Orders wait for a validated challenge per identifier.</summary>
    public const string Challenge = "challenge";
}
