using System.Globalization;
using Certctl.Domain;

namespace Certctl.LoadTest.Acme;

/// <summary>
/// The certificates <c>acme_burst</c> asks renewal information about: number n (1-based) is <c>mc-loadtest-ari-{n:00000}</c> with one
/// version whose serial and authority key identifier are fixed by n, so the seed and the scenario agree on its ARI cert id without
/// talking to each other. The versions carry no PEM: nothing but renewalInfo reads them.
/// </summary>
public static class AcmeBurstFixture
{
    public const string Name = "acme_burst";

    public const string NamePrefix = "loadtest-ari-";

    public const int Digits = 5;

    public const int DefaultCount = 1_000;

    /// <summary>The one AKI of every fixture version (20 octets, lower-case hex as <c>certificate_versions</c> stores it).</summary>
    public const string AuthorityKeyIdentifierHex = "ce7c71a0ad0b0a57ace7c71a0ad0b0a57ace7c71";

    /// <summary>Serials start with this, so no fixture serial collides with a CA's random ones (which have their top bits random).</summary>
    public const string SerialPrefix = "1ace";

    /// <summary>The demo seed's rows the fixture's certificates link to; <c>rp-manual</c> keeps the renewal scan away from them.</summary>
    public const string IssuerId = "iss-local";

    public const string RenewalPolicyId = "rp-manual";

    public static int MaxCount => (int)Math.Pow(10, Digits) - 1;

    public static string IdPrefix => "mc-" + NamePrefix;

    public static string IdOf(int n) => IdPrefix + Number(n);

    /// <summary>The canonical serial hex of certificate n (what the seed stores).</summary>
    public static string SerialHexOf(int n) => SerialPrefix + n.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>The ARI cert id of certificate n (RFC 9773 §4.1).</summary>
    public static string CertIdOf(int n) => AriCertificateId.FromStoredHex(AuthorityKeyIdentifierHex, SerialHexOf(n))!;

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture).PadLeft(Digits, '0');
}
