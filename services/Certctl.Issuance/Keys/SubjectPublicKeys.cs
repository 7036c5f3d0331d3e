using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Issuance;

/// <summary>What the engine needs to know about public keys: their type and size, whether they are strong enough, how to make and identify them.</summary>
internal static class SubjectPublicKeys
{
    public const string RsaOid = "1.2.840.113549.1.1.1";
    public const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string Ed25519Oid = "1.3.101.112";

    // Larger RSA keys add nothing but verification cost for every relying party; they are a denial-of-service lever.
    private const int MaxRsaBits = 8192;

    private static readonly Dictionary<string, int> CurveBitsByOid = new()
    {
        ["1.2.840.10045.3.1.7"] = 256, // P-256 (secp256r1)
        ["1.3.132.0.34"] = 384, // P-384
        ["1.3.132.0.35"] = 521, // P-521
    };

    /// <summary>The key's type and size, or why no certificate should carry it (weak, malformed or unsupported).</summary>
    public static KeySpec Inspect(PublicKey key, out string? problem)
    {
        problem = null;
        switch (key.Oid.Value)
        {
            case RsaOid:
                return InspectRsa(key, out problem);
            case EcPublicKeyOid:
                return InspectEc(key, out problem);
            case Ed25519Oid:
                return new KeySpec(KeyAlgorithm.Ed25519, 256);
            default:
                problem = $"keys of type {key.Oid.Value} ({key.Oid.FriendlyName}) are not supported; use ECDSA or RSA";
                return default;
        }
    }

    public static AsymmetricAlgorithm Generate(KeySpec spec) => spec switch
    {
        { Algorithm: KeyAlgorithm.Ecdsa, Size: 256 } => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        { Algorithm: KeyAlgorithm.Ecdsa, Size: 384 } => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        { Algorithm: KeyAlgorithm.Rsa, Size: 2048 or 3072 or 4096 } => RSA.Create(spec.Size),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec, "Only ECDSA P-256/P-384 and RSA 2048/3072/4096 keys are generated."),
    };

    /// <summary>
    /// RFC 7093 §2 method 1: the leftmost 160 bits of the SHA-256 of the subjectPublicKey bits. Long enough never to
    /// collide (the original's 4 bytes were not), and free of SHA-1.
    /// </summary>
    public static byte[] KeyIdentifier(PublicKey key) => SHA256.HashData(key.EncodedKeyValue.RawData)[..20];

    /// <summary>True when the private key signs what the public key verifies, which only its own pair can do.</summary>
    public static bool IsPairOf(AsymmetricAlgorithm privateKey, PublicKey publicKey)
    {
        var probe = RandomNumberGenerator.GetBytes(32);
        try
        {
            switch (privateKey)
            {
                case RSA rsa:
                {
                    using var verifier = publicKey.GetRSAPublicKey();
                    return verifier is not null && verifier.VerifyData(
                        probe, rsa.SignData(probe, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
                }

                case ECDsa ecdsa:
                {
                    using var verifier = publicKey.GetECDsaPublicKey();
                    return verifier is not null && verifier.VerifyData(probe, ecdsa.SignData(probe, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256);
                }

                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            // A public-only key, or one whose private half is inconsistent, cannot sign.
            return false;
        }
    }

    private static KeySpec InspectRsa(PublicKey key, out string? problem)
    {
        problem = null;
        RSAParameters parameters;
        try
        {
            using var rsa = key.GetRSAPublicKey();
            parameters = rsa!.ExportParameters(includePrivateParameters: false);
        }
        catch (CryptographicException)
        {
            problem = "the RSA public key is malformed";
            return default;
        }

        var modulus = parameters.Modulus.AsSpan().TrimStart((byte)0);
        var bits = modulus.IsEmpty ? 0 : ((modulus.Length - 1) * 8) + (8 - byte.LeadingZeroCount(modulus[0]));
        var spec = new KeySpec(KeyAlgorithm.Rsa, bits);
        var exponent = parameters.Exponent.AsSpan().TrimStart((byte)0);
        if (bits < 2048)
        {
            problem = $"RSA keys of {bits} bits are too weak; the minimum is 2048";
        }
        else if (bits > MaxRsaBits)
        {
            problem = $"RSA keys of {bits} bits are not accepted; the maximum is {MaxRsaBits}";
        }
        else if (exponent.IsEmpty || (exponent[^1] & 1) == 0 || (exponent.Length == 1 && exponent[0] < 3))
        {
            problem = "the RSA public exponent must be odd and at least 3";
        }

        return spec;
    }

    private static KeySpec InspectEc(PublicKey key, out string? problem)
    {
        problem = null;
        string curveOid;
        try
        {
            curveOid = AsnDecoder.ReadObjectIdentifier(key.EncodedParameters?.RawData ?? [], AsnEncodingRules.DER, out _);
        }
        catch (AsnContentException)
        {
            problem = "ECDSA keys must name their curve (explicit curve parameters are not accepted)";
            return default;
        }

        if (!CurveBitsByOid.TryGetValue(curveOid, out var bits))
        {
            problem = $"the elliptic curve {curveOid} is not supported; use P-256, P-384 or P-521";
            return default;
        }

        try
        {
            using var ecdsa = key.GetECDsaPublicKey();
            _ = ecdsa!.ExportParameters(includePrivateParameters: false);
        }
        catch (CryptographicException)
        {
            problem = "the ECDSA public key is malformed";
        }

        return new KeySpec(KeyAlgorithm.Ecdsa, bits);
    }
}
