namespace Certctl.Issuance;

/// <summary>
/// Checks a CSR before it is sent to an external CA, with the same rules the local CA applies: well-formed, a key that is
/// strong enough and allowed by the profile, and a self-signature that verifies. A paid order is never spent on a bad CSR.
/// </summary>
public static class ExternalCsr
{
    /// <summary>The CSR's DER SubjectPublicKeyInfo, to check that the CA certified this key and no other.</summary>
    /// <exception cref="InvalidCsrException">The CSR cannot be parsed or its signature does not verify.</exception>
    /// <exception cref="DisallowedKeyException">Its key is weak, unsupported, or not allowed by the profile.</exception>
    public static byte[] Check(string csrPem, IssuanceProfile profile)
    {
        var csr = SigningRequest.FromPem(csrPem);
        var key = SubjectPublicKeys.Inspect(csr.PublicKey, out var weakness);
        if (weakness is not null)
        {
            throw new DisallowedKeyException($"The CSR's key is not accepted: {weakness}.");
        }

        if (!profile.AllowedKeyAlgorithms.Any(rule => rule.Allows(key)))
        {
            throw new DisallowedKeyException($"The profile does not allow {key} keys; it allows {string.Join(", ", profile.AllowedKeyAlgorithms)}.");
        }

        csr.VerifySignature();
        return csr.PublicKey.ExportSubjectPublicKeyInfo();
    }
}
