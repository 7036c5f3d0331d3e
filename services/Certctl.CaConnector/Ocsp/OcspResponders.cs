using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Certctl.CaConnector.Revocation;
using Certctl.Issuance;
using Microsoft.Extensions.Options;

namespace Certctl.CaConnector.Ocsp;

/// <summary>
/// The OCSP responder of each local CA, kept loaded: made and stored on first use, loaded by every other replica, and replaced by a
/// new one (new key, new certificate) once it is within the rotation grace of its expiry or was not issued by the current CA.
/// </summary>
public sealed class OcspResponders(OcspResponderStore store, CaKeyProtection protection, IOptions<RevocationOptions> options, TimeProvider time, ILogger<OcspResponders> logger)
{
    private readonly ConcurrentDictionary<string, OcspResponder> _loaded = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loading = new(1, 1);

    /// <summary>The responder for <paramref name="ca"/>, the CA of <paramref name="issuerId"/>.</summary>
    public async Task<OcspResponder> GetAsync(string issuerId, IssuingCa ca, CancellationToken cancellationToken)
    {
        if (_loaded.TryGetValue(issuerId, out var responder) && Usable(responder, ca))
        {
            return responder;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_loaded.TryGetValue(issuerId, out responder) && Usable(responder, ca))
            {
                return responder;
            }

            // The one it replaces is not disposed: a request on another thread may still be signing with it. One small key per rotation.
            responder = await LoadOrRotateAsync(issuerId, ca, cancellationToken);
            _loaded[issuerId] = responder;
            return responder;
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<OcspResponder> LoadOrRotateAsync(string issuerId, IssuingCa ca, CancellationToken cancellationToken)
    {
        var stored = await store.FindAsync(issuerId, cancellationToken);
        if (stored is { } found)
        {
            var loaded = OcspResponder.FromStored(found.Key, protection);
            if (Usable(loaded, ca))
            {
                return loaded;
            }

            loaded.Dispose();
        }

        var settings = options.Value;
        var created = OcspResponder.Create(ca, settings.OcspResponderValidity, time.GetUtcNow());
        if (await store.TryStoreAsync(issuerId, created.Export(protection), created.NotBefore, created.NotAfter, stored?.NotAfter, cancellationToken))
        {
            logger.LogInformation("New OCSP responder for issuer {IssuerId}: {Subject}, valid until {NotAfter:O}.", issuerId, created.Certificate.Subject, created.NotAfter);
            return created;
        }

        created.Dispose();
        var winner = await store.FindAsync(issuerId, cancellationToken)
            ?? throw new CertificateAuthorityException($"The OCSP responder of issuer '{issuerId}' vanished while it was being replaced.");
        return OcspResponder.FromStored(winner.Key, protection);
    }

    private bool Usable(OcspResponder responder, IssuingCa ca)
    {
        var issuedByCa = responder.Certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier is { } keyId
            && keyId.Span.SequenceEqual(ca.KeyIdentifier.Span);
        // A responder already cut off at the CA's own expiry cannot be bettered; replacing it would only repeat on every request.
        return issuedByCa && (time.GetUtcNow() < responder.NotAfter - options.Value.OcspResponderRotationGrace || responder.NotAfter >= ca.NotAfter);
    }
}
