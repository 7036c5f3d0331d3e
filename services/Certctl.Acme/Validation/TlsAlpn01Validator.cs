using System.Formats.Asn1;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Acme.Protocol;
using Microsoft.Extensions.Options;

namespace Certctl.Acme.Validation;

/// <summary>
/// RFC 8737: a TLS handshake with <c>{identifier}:443</c>, SNI the identifier and ALPN <c>acme-tls/1</c> only, must negotiate
/// <c>acme-tls/1</c> and present a certificate whose only subjectAltName is the identifier and whose critical acmeIdentifier
/// extension (1.3.6.1.5.5.7.1.31) holds SHA-256 of the key authorization. The chain is not verified: the certificate is self-signed.
/// </summary>
public sealed class TlsAlpn01Validator(ValidationConnector connector, ValidationRun run, IOptions<AcmeValidationOptions> options) : IChallengeValidator
{
    /// <summary>The acmeIdentifier extension (id-pe-acmeIdentifier).</summary>
    public const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

    /// <summary>The ALPN protocol of the challenge.</summary>
    public static readonly SslApplicationProtocol AcmeTls1 = new("acme-tls/1");

    public string Type => "tls-alpn-01";

    public Task<ChallengeValidationResult> ValidateAsync(ChallengeValidationRequest request, CancellationToken cancellationToken) =>
        run.RunAsync(Type, request.Identifier, token => HandshakeAsync(request, token), cancellationToken);

    private async Task<ChallengeValidationResult> HandshakeAsync(ChallengeValidationRequest request, CancellationToken cancellationToken)
    {
        var identifier = request.Identifier;
        if (identifier.Type != "dns")
        {
            return ChallengeValidationResult.Invalid(ValidationProblems.RejectedIdentifier(identifier, "tls-alpn-01 is offered for dns identifiers only."));
        }

        var port = options.Value.TlsAlpn01Port;
        await using var network = await connector.ConnectAsync(identifier, identifier.Value, port, request.AllowPrivateAddresses, cancellationToken);
        await using var tls = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = identifier.Value,
                ApplicationProtocols = [AcmeTls1],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            return ChallengeValidationResult.Invalid(ValidationProblems.Tls(identifier, $"TLS handshake with {identifier.Value}:{port} failed: {ex.Message}"));
        }

        if (tls.NegotiatedApplicationProtocol != AcmeTls1)
        {
            return Incorrect(identifier, $"{identifier.Value}:{port} did not negotiate acme-tls/1.");
        }

        if (tls.RemoteCertificate is not { } remote)
        {
            return Incorrect(identifier, $"{identifier.Value}:{port} presented no certificate.");
        }

        using var certificate = new X509Certificate2(remote);
        return Check(identifier, certificate, request.KeyAuthorization) is { } problem ? Incorrect(identifier, problem) : ChallengeValidationResult.Valid;
    }

    /// <summary>What is wrong with the challenge certificate, or null when it proves <paramref name="keyAuthorization"/>.</summary>
    public static string? Check(AcmeIdentifier identifier, X509Certificate2 certificate, string keyAuthorization)
    {
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var names = san?.EnumerateDnsNames().ToList() ?? [];
        var addresses = san?.EnumerateIPAddresses().Count() ?? 0;
        if (names.Count != 1 || addresses != 0 || !string.Equals(names[0], identifier.Value, StringComparison.OrdinalIgnoreCase))
        {
            return $"The certificate's subjectAltName must be exactly dNSName {identifier.Value}; it has [{string.Join(", ", names)}]" +
                   (addresses > 0 ? $" and {addresses} IP address(es)." : ".");
        }

        var extension = certificate.Extensions[AcmeIdentifierOid];
        if (extension is null)
        {
            return "The certificate has no acmeIdentifier extension (1.3.6.1.5.5.7.1.31).";
        }

        if (!extension.Critical)
        {
            return "The certificate's acmeIdentifier extension is not critical.";
        }

        byte[] digest;
        try
        {
            digest = AsnDecoder.ReadOctetString(extension.RawData, AsnEncodingRules.DER, out var consumed);
            if (consumed != extension.RawData.Length)
            {
                return "The certificate's acmeIdentifier extension has trailing data.";
            }
        }
        catch (AsnContentException)
        {
            return "The certificate's acmeIdentifier extension is not a DER OCTET STRING.";
        }

        return CryptographicOperations.FixedTimeEquals(digest, KeyAuthorizationDigest.Sha256(keyAuthorization))
            ? null
            : "The certificate's acmeIdentifier is not SHA-256 of the key authorization.";
    }

    private static ChallengeValidationResult Incorrect(AcmeIdentifier identifier, string detail) =>
        ChallengeValidationResult.Invalid(ValidationProblems.IncorrectResponse(identifier, detail));
}
