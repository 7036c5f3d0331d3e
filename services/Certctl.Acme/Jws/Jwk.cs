using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Certctl.Acme.Caching;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Certctl.Acme.Jws;

/// <summary>
/// A public JSON Web Key of a kind the server verifies: RSA (at least 2048 bits), EC P-256/P-384, or OKP Ed25519. Keeps only the
/// RFC 7638 required members, so <see cref="CanonicalJson"/> is both what is stored and what the thumbprint hashes.
/// </summary>
public sealed class Jwk
{
    private const int MinRsaBits = 2048;
    private const int MaxRsaBits = 8192;

    /// <summary>How many stored keys <see cref="Parse"/> keeps parsed; the cache starts over when it is full.</summary>
    private const int StoredKeysKept = 10_000;

    // Keys read from the database, by their stored text. Every request of an account reads its key: without this, each one parsed
    // it, validated it (an EC point check is a scalar multiplication) and imported it into OpenSSL twice, about a third of the
    // ACME service's CPU under acme_issuance. The text is the key, so an entry can never be stale.
    private static readonly ParsedTextCache<Jwk> StoredKeys = new(StoredKeysKept, ParseStored);

    private readonly byte[] _first;   // n, x
    private readonly byte[] _second;  // e, y (empty for OKP)
    private readonly Lock _verifierGate = new();
    private AsymmetricAlgorithm? _verifier;  // imported once, on first use; .NET does not promise it is thread-safe, hence the lock

    private Jwk(string keyType, string? curve, byte[] first, byte[] second, string canonicalJson)
    {
        KeyType = keyType;
        Curve = curve;
        _first = first;
        _second = second;
        CanonicalJson = canonicalJson;
        Thumbprint = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalJson)));
    }

    /// <summary><c>RSA</c>, <c>EC</c> or <c>OKP</c>.</summary>
    public string KeyType { get; }

    /// <summary><c>P-256</c>, <c>P-384</c>, <c>Ed25519</c>, or null for RSA.</summary>
    public string? Curve { get; }

    /// <summary>The RFC 7638 form: required members only, in lexicographic order, no whitespace.</summary>
    public string CanonicalJson { get; }

    /// <summary>RFC 7638 SHA-256 thumbprint, base64url.</summary>
    public string Thumbprint { get; }

    /// <summary>Reads a public JWK; <paramref name="error"/> says why it cannot be used.</summary>
    public static bool TryParse(JsonElement element, out Jwk? jwk, out string? error)
    {
        jwk = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "jwk is not a JSON object";
            return false;
        }

        if (element.TryGetProperty("d", out _) || element.TryGetProperty("p", out _))
        {
            error = "jwk contains private key material";
            return false;
        }

        switch (Member(element, "kty"))
        {
            case "RSA":
                {
                    var n = Bytes(element, "n");
                    var e = Bytes(element, "e");
                    if (n is null || e is null || n.Length == 0 || e.Length is 0 or > 8)
                    {
                        error = "RSA jwk needs base64url n and e";
                        return false;
                    }

                    var bits = (n.Length - LeadingZeros(n)) * 8;
                    if (bits < MinRsaBits || bits > MaxRsaBits)
                    {
                        error = $"RSA keys must be {MinRsaBits} to {MaxRsaBits} bits";
                        return false;
                    }

                    jwk = new Jwk("RSA", null, n, e,
                        $"{{\"e\":\"{Member(element, "e")}\",\"kty\":\"RSA\",\"n\":\"{Member(element, "n")}\"}}");
                    error = null;
                    return true;
                }

            case "EC":
                {
                    var curve = Member(element, "crv");
                    var size = curve switch { "P-256" => 32, "P-384" => 48, _ => 0 };
                    var x = Bytes(element, "x");
                    var y = Bytes(element, "y");
                    if (size == 0 || x?.Length != size || y?.Length != size)
                    {
                        error = "EC jwk must be P-256 or P-384 with coordinates of the curve's size";
                        return false;
                    }

                    if (!IsOnCurve(curve!, x, y))
                    {
                        error = "EC jwk is not a point on its curve";
                        return false;
                    }

                    jwk = new Jwk("EC", curve, x, y,
                        $"{{\"crv\":\"{curve}\",\"kty\":\"EC\",\"x\":\"{Member(element, "x")}\",\"y\":\"{Member(element, "y")}\"}}");
                    error = null;
                    return true;
                }

            case "OKP":
                {
                    var x = Bytes(element, "x");
                    if (Member(element, "crv") != "Ed25519" || x?.Length != 32)
                    {
                        error = "OKP jwk must be Ed25519 with a 32-byte x";
                        return false;
                    }

                    jwk = new Jwk("OKP", "Ed25519", x, [], $"{{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"{Member(element, "x")}\"}}");
                    error = null;
                    return true;
                }

            default:
                error = "jwk kty must be RSA, EC or OKP";
                return false;
        }
    }

    /// <summary>Reads a stored <see cref="CanonicalJson"/>.</summary>
    public static Jwk Parse(string json) => StoredKeys.Get(json);

    private static Jwk ParseStored(string json)
    {
        using var document = JsonDocument.Parse(json);
        return TryParse(document.RootElement, out var jwk, out var error) ? jwk! : throw new FormatException($"Stored JWK is not usable: {error}.");
    }

    /// <summary>Whether this key signs with <paramref name="alg"/> (ES256 needs P-256, ES384 P-384, EdDSA Ed25519, RS256 RSA).</summary>
    public bool Fits(string alg) => alg switch
    {
        JwsAlgorithms.RS256 => KeyType == "RSA",
        JwsAlgorithms.ES256 => Curve == "P-256",
        JwsAlgorithms.ES384 => Curve == "P-384",
        JwsAlgorithms.EdDSA => Curve == "Ed25519",
        _ => false,
    };

    /// <summary>Verifies a JWS signature over <paramref name="signingInput"/> (ECDSA signatures are raw <c>r ‖ s</c>).</summary>
    public bool Verify(string alg, ReadOnlySpan<byte> signingInput, ReadOnlySpan<byte> signature)
    {
        if (!Fits(alg))
        {
            return false;
        }

        switch (alg)
        {
            case JwsAlgorithms.RS256:
                {
                    lock (_verifierGate)
                    {
                        var rsa = (RSA)(_verifier ??= ImportRsa());
                        return rsa.VerifyData(signingInput, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                    }
                }

            case JwsAlgorithms.ES256 or JwsAlgorithms.ES384:
                {
                    var size = _first.Length;
                    if (signature.Length != 2 * size)
                    {
                        return false;
                    }

                    lock (_verifierGate)
                    {
                        var ecdsa = (ECDsa)(_verifier ??= ECDsa.Create(EcParameters(Curve!, _first, _second)));
                        return ecdsa.VerifyData(signingInput, signature, alg == JwsAlgorithms.ES256 ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA384,
                            DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                    }
                }

            default:
                {
                    if (signature.Length != 64)
                    {
                        return false;
                    }

                    var signer = new Ed25519Signer();
                    signer.Init(false, new Ed25519PublicKeyParameters(_first, 0));
                    signer.BlockUpdate(signingInput);
                    return signer.VerifySignature(signature.ToArray());
                }
        }
    }

    private RSA ImportRsa()
    {
        var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = _first.AsSpan(LeadingZeros(_first)).ToArray(), Exponent = _second });
        return rsa;
    }

    private static ECParameters EcParameters(string curve, byte[] x, byte[] y) => new()
    {
        Curve = curve == "P-256" ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384,
        Q = new ECPoint { X = x, Y = y },
    };

    private static bool IsOnCurve(string curve, byte[] x, byte[] y)
    {
        try
        {
            // Import validates the point; a key off the curve throws.
            using var ecdsa = ECDsa.Create(EcParameters(curve, x, y));
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static int LeadingZeros(byte[] value)
    {
        var count = 0;
        while (count < value.Length - 1 && value[count] == 0)
        {
            count++;
        }

        return count;
    }

    private static string? Member(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static byte[]? Bytes(JsonElement element, string name)
    {
        var text = Member(element, name);
        if (text is null || text.Contains('='))
        {
            return null;
        }

        try
        {
            // Strict: only the canonical unpadded encoding, so the text hashed into the thumbprint is the key, byte for byte.
            var bytes = Base64Url.DecodeFromChars(text);
            return Base64Url.EncodeToString(bytes) == text ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
