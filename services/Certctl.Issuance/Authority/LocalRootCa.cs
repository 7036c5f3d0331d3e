namespace Certctl.Issuance;

/// <summary>Starts the local CA in its self-signed mode: load the issuer's stored root, or make and store one the first time.</summary>
public static class LocalRootCa
{
    /// <summary>
    /// The issuer's root CA. When two replicas start together both may make a root, but only the first one stored
    /// counts: the other discards its own and loads the winner, so every replica signs with the same key.
    /// </summary>
    /// <remarks>A stored root is used as stored: later changes to <paramref name="options"/> do not re-key it.</remarks>
    /// <exception cref="CertificateAuthorityException">The stored root cannot be decrypted, is not a CA, or has expired.</exception>
    public static async Task<IssuingCa> LoadOrCreateAsync(
        ICaKeyStore store,
        string issuerId,
        RootCaOptions options,
        CaKeyProtection protection,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuerId);
        if (await store.FindAsync(issuerId, cancellationToken) is { } stored)
        {
            return IssuingCa.FromStored(stored, protection, time);
        }

        var created = IssuingCa.CreateSelfSignedRoot(options, time);
        try
        {
            if (await store.TryAddAsync(issuerId, created.Export(protection), cancellationToken))
            {
                return created;
            }
        }
        catch
        {
            created.Dispose();
            throw;
        }

        created.Dispose();
        var winner = await store.FindAsync(issuerId, cancellationToken)
            ?? throw new CertificateAuthorityException($"The CA key store refused a root for issuer '{issuerId}' but holds none.");
        return IssuingCa.FromStored(winner, protection, time);
    }
}
