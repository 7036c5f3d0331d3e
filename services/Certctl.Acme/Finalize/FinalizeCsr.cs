using System.Buffers.Text;
using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;
using Certctl.Issuance;

namespace Certctl.Acme.Finalize;

/// <summary>
/// The finalize CSR (RFC 8555 §7.4): base64url DER PKCS#10 whose self-signature verifies, whose key the profile allows, and whose
/// names (subject CN and subjectAltName DNS names and IP addresses) are exactly the order's identifiers. Every refusal is a
/// <c>badCSR</c> problem (the original answered a name mismatch with 500, its GAP-8).
/// </summary>
public static class FinalizeCsr
{
    private const string CommonNameOid = "2.5.4.3";
    private const string SubjectAlternativeNameOid = "2.5.29.17";

    /// <summary>The CSR as PEM and the common name to issue under; or the problem refusing it.</summary>
    public static (string? CsrPem, string? CommonName, AcmeProblem? Problem) Check(string? csr, AcmeOrder order, AcmeProfilePolicy profile)
    {
        if (string.IsNullOrEmpty(csr))
        {
            return Refuse("The finalize request has no csr.");
        }

        byte[] der;
        try
        {
            der = Base64Url.DecodeFromChars(csr.TrimEnd('='));
        }
        catch (FormatException)
        {
            return Refuse("The csr is not base64url.");
        }

        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, out var consumed,
                CertificateRequestLoadOptions.SkipSignatureValidation | CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
            if (consumed != der.Length)
            {
                return Refuse("The csr has bytes after the request.");
            }
        }
        catch (CryptographicException)
        {
            return Refuse("The csr is not a DER PKCS#10 certification request.");
        }

        var pem = PemEncoding.WriteString("CERTIFICATE REQUEST", der);
        try
        {
            ExternalCsr.Check(pem, profile.Issuance);
        }
        catch (Exception ex) when (ex is InvalidCsrException or DisallowedKeyException)
        {
            return Refuse(ex.Message);
        }

        var (names, problem) = Names(request);
        if (problem is not null)
        {
            return (null, null, problem);
        }

        var expected = order.Identifiers.Select(Key).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Except(names!.All).ToArray();
        var extra = names.All.Except(expected).ToArray();
        if (missing.Length > 0 || extra.Length > 0)
        {
            return Refuse("The CSR's names must be exactly the order's identifiers"
                + (missing.Length > 0 ? $"; missing: {string.Join(", ", missing)}" : "")
                + (extra.Length > 0 ? $"; not in the order: {string.Join(", ", extra)}" : "") + ".");
        }

        // The subject CN when the CSR has one, else the first identifier short enough to be one (RFC 5280 ub-common-name).
        var commonName = names.CommonName
            ?? order.Identifiers.Select(i => i.Value).FirstOrDefault(value => value.Length <= CertificateNames.MaxCommonNameLength)
            ?? "";
        return (pem, commonName, null);
    }

    private static (CsrNames? Names, AcmeProblem? Problem) Names(CertificateRequest request)
    {
        var all = new HashSet<string>(StringComparer.Ordinal);
        string? commonName = null;
        foreach (var rdn in request.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementType().Value != CommonNameOid)
            {
                continue;
            }

            var value = rdn.GetSingleElementValue()?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (commonName is not null)
            {
                return (null, RefuseCsr("The CSR's subject has more than one common name."));
            }

            IPAddress? address = null;
            var isAddress = (value.Contains(':', StringComparison.Ordinal) || value.AsSpan().IndexOfAnyExcept("0123456789.") < 0)
                && IPAddress.TryParse(value, out address);
            commonName = isAddress ? address!.ToString() : value.TrimEnd('.').ToLowerInvariant();
            all.Add((isAddress ? "ip:" : "dns:") + commonName);
        }

        foreach (var extension in request.CertificateExtensions)
        {
            if (extension.Oid?.Value != SubjectAlternativeNameOid)
            {
                continue;
            }

            try
            {
                var sequence = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
                while (sequence.HasData)
                {
                    var tag = sequence.PeekTag();
                    if (tag.TagClass != TagClass.ContextSpecific || tag.TagValue is not (2 or 7))
                    {
                        return (null, RefuseCsr("The CSR asks for a subjectAltName that is neither a DNS name nor an IP address."));
                    }

                    if (tag.TagValue == 2)
                    {
                        all.Add("dns:" + sequence.ReadCharacterString(UniversalTagNumber.IA5String, tag).TrimEnd('.').ToLowerInvariant());
                    }
                    else
                    {
                        var bytes = sequence.ReadOctetString(tag);
                        if (bytes.Length is not (4 or 16))
                        {
                            return (null, RefuseCsr("The CSR's subjectAltName has an IP address that is neither IPv4 nor IPv6."));
                        }

                        all.Add("ip:" + new IPAddress(bytes));
                    }
                }
            }
            catch (AsnContentException)
            {
                return (null, RefuseCsr("The CSR's subjectAltName extension is not valid DER."));
            }
        }

        return (new CsrNames(commonName, all), null);
    }

    private static string Key(AcmeIdentifier identifier) => identifier.Type + ":" + identifier.Value;

    private static (string?, string?, AcmeProblem?) Refuse(string detail) => (null, null, RefuseCsr(detail));

    private static AcmeProblem RefuseCsr(string detail) => new(AcmeProblemTypes.BadCsr, detail, StatusCodes.Status400BadRequest);

    private sealed record CsrNames(string? CommonName, HashSet<string> All);
}
