using System.Buffers.Text;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Certctl.Acme.Tests;

/// <summary>An ACME client's account key that signs real JWS: ES256, ES384, RS256 or EdDSA (Ed25519).</summary>
internal sealed class TestKey
{
    private readonly Func<byte[], byte[]> _sign;

    private TestKey(string alg, Dictionary<string, string> jwk, Func<byte[], byte[]> sign)
    {
        Alg = alg;
        Jwk = jwk;
        _sign = sign;
    }

    /// <summary>The JWS alg this key signs with.</summary>
    public string Alg { get; }

    /// <summary>The public JWK members.</summary>
    public Dictionary<string, string> Jwk { get; }

    public byte[] Sign(byte[] signingInput) => _sign(signingInput);

    public static TestKey Create(string alg) => alg switch
    {
        "ES256" => Ec(ECCurve.NamedCurves.nistP256, "P-256", HashAlgorithmName.SHA256, alg),
        "ES384" => Ec(ECCurve.NamedCurves.nistP384, "P-384", HashAlgorithmName.SHA384, alg),
        "RS256" => Rsa(),
        "EdDSA" => Ed25519(),
        _ => throw new ArgumentOutOfRangeException(nameof(alg), alg, null),
    };

    /// <summary>An ES256 key around <paramref name="ecdsa"/> (P-256), e.g. a certificate's own key signing its revocation.</summary>
    public static TestKey Es256(ECDsa ecdsa)
    {
        var parameters = ecdsa.ExportParameters(false);
        return new TestKey("ES256",
            new() { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = B64(parameters.Q.X!), ["y"] = B64(parameters.Q.Y!) },
            input => ecdsa.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    private static TestKey Ec(ECCurve curve, string name, HashAlgorithmName hash, string alg)
    {
        var ecdsa = ECDsa.Create(curve);
        var parameters = ecdsa.ExportParameters(false);
        return new TestKey(alg,
            new() { ["kty"] = "EC", ["crv"] = name, ["x"] = B64(parameters.Q.X!), ["y"] = B64(parameters.Q.Y!) },
            input => ecdsa.SignData(input, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    private static TestKey Rsa()
    {
        var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(false);
        return new TestKey("RS256",
            new() { ["kty"] = "RSA", ["n"] = B64(parameters.Modulus!), ["e"] = B64(parameters.Exponent!) },
            input => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private static TestKey Ed25519()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var publicKey = ((Ed25519PublicKeyParameters)pair.Public).GetEncoded();
        return new TestKey("EdDSA", new() { ["kty"] = "OKP", ["crv"] = "Ed25519", ["x"] = B64(publicKey) }, input =>
        {
            var signer = new Ed25519Signer();
            signer.Init(true, pair.Private);
            signer.BlockUpdate(input, 0, input.Length);
            return signer.GenerateSignature();
        });
    }

    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
