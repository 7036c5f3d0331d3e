using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Domain;

namespace Certctl.Issuance;

/// <summary>
/// A CA's delegated OCSP responder (RFC 6960 §4.2.2.2): an ECDSA P-256 key and the certificate the CA issued for it. It signs
/// BasicOCSPResponses naming itself by key hash and carrying its certificate, so a client that trusts the CA can verify them;
/// the CA key itself never signs OCSP.
/// </summary>
public sealed class OcspResponder : IDisposable
{
    private const string BasicResponseOid = "1.3.6.1.5.5.7.48.1.1";
    private const string EcdsaWithSha256Oid = "1.2.840.10045.4.3.2";

    private readonly SigningKeyPool _keys;
    private readonly byte[] _keyHash;

    private OcspResponder(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _keys = new SigningKeyPool(key);
        _keyHash = SHA1.HashData(certificate.PublicKey.EncodedKeyValue.RawData);
        NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
    }

    /// <summary>The responder certificate, issued by the CA.</summary>
    public X509Certificate2 Certificate { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    /// <summary>Makes a new responder key and has <paramref name="ca"/> certify it.</summary>
    public static OcspResponder Create(IssuingCa ca, TimeSpan validity, DateTimeOffset now)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            return new OcspResponder(ca.IssueOcspResponder(key, validity, now), key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Loads a stored responder; the key is decrypted with the same protection as the CA keys.</summary>
    /// <exception cref="CertificateAuthorityException">It does not decrypt, or the key is not the certificate's.</exception>
    public static OcspResponder FromStored(StoredCaKey stored, CaKeyProtection protection)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(stored.CertificatePem);
        }
        catch (CryptographicException ex)
        {
            throw new CertificateAuthorityException("The stored OCSP responder certificate cannot be read.", ex);
        }

        var key = ECDsa.Create();
        try
        {
            protection.Unprotect(stored.EncryptedPrivateKey, key);
            if (!SubjectPublicKeys.IsPairOf(key, certificate.PublicKey))
            {
                throw new CertificateAuthorityException("The stored OCSP responder key does not belong to its certificate.");
            }

            return new OcspResponder(certificate, key);
        }
        catch
        {
            key.Dispose();
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>The stored form: the certificate, and the key encrypted by <paramref name="protection"/>.</summary>
    public StoredCaKey Export(CaKeyProtection protection) =>
        new(PemText.Certificate(Certificate), _keys.UseOriginal(protection.Protect));

    /// <summary>
    /// A successful OCSPResponse holding a BasicOCSPResponse with one SingleResponse per answer (the client's CertID echoed),
    /// <paramref name="thisUpdate"/>/<paramref name="nextUpdate"/> on each, the nonce extension echoed when the request had one,
    /// signed ECDSA-SHA256 by the responder key, with the responder certificate attached.
    /// </summary>
    public byte[] Sign(IReadOnlyList<OcspCertAnswer> answers, byte[]? nonceExtensionValue, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        var tbs = ResponseData(answers, nonceExtensionValue, IssuingCa.TruncateToSeconds(thisUpdate), IssuingCa.TruncateToSeconds(nextUpdate));
        var signature = _keys.Use(key => ((ECDsa)key).SignData(tbs, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

        var basic = new AsnWriter(AsnEncodingRules.DER);
        using (basic.PushSequence())
        {
            basic.WriteEncodedValue(tbs);
            using (basic.PushSequence())
            {
                basic.WriteObjectIdentifier(EcdsaWithSha256Oid);
            }

            basic.WriteBitString(signature);
            using (basic.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (basic.PushSequence())
            {
                basic.WriteEncodedValue(Certificate.RawData);
            }
        }

        var response = new AsnWriter(AsnEncodingRules.DER);
        using (response.PushSequence())
        {
            response.WriteEnumeratedValue(OcspResponseStatus.Successful);
            using (response.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (response.PushSequence())
            {
                response.WriteObjectIdentifier(BasicResponseOid);
                response.WriteOctetString(basic.Encode());
            }
        }

        return response.Encode();
    }

    public void Dispose()
    {
        _keys.Dispose();
        Certificate.Dispose();
    }

    private byte[] ResponseData(IReadOnlyList<OcspCertAnswer> answers, byte[]? nonceExtensionValue, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            // version v1 is the DEFAULT, so it is not encoded; responderID byKey [2] EXPLICIT KeyHash.
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true)))
            {
                writer.WriteOctetString(_keyHash);
            }

            writer.WriteGeneralizedTime(thisUpdate, omitFractionalSeconds: true);
            using (writer.PushSequence())
            {
                foreach (var answer in answers)
                {
                    WriteSingleResponse(writer, answer, thisUpdate, nextUpdate);
                }
            }

            if (nonceExtensionValue is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                using (writer.PushSequence())
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(OcspRequest.NonceOid);
                    writer.WriteOctetString(nonceExtensionValue);
                }
            }
        }

        return writer.Encode();
    }

    private static void WriteSingleResponse(AsnWriter writer, OcspCertAnswer answer, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(answer.CertId.Der);
            switch (answer.Status)
            {
                case OcspCertStatus.Good:
                    writer.WriteNull(new Asn1Tag(TagClass.ContextSpecific, 0));
                    break;
                case OcspCertStatus.Revoked:
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true)))
                    {
                        writer.WriteGeneralizedTime(IssuingCa.TruncateToSeconds(answer.RevokedAt ?? thisUpdate), omitFractionalSeconds: true);
                        if (answer.Reason is { } reason and not RevocationReason.Unspecified)
                        {
                            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                            {
                                writer.WriteEnumeratedValue((X509RevocationReason)reason.ToCode());
                            }
                        }
                    }

                    break;
                default:
                    writer.WriteNull(new Asn1Tag(TagClass.ContextSpecific, 2));
                    break;
            }

            writer.WriteGeneralizedTime(thisUpdate, omitFractionalSeconds: true);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            {
                writer.WriteGeneralizedTime(nextUpdate, omitFractionalSeconds: true);
            }
        }
    }
}
