namespace Certctl.Issuance;

/// <summary>
/// Durable home of a local CA's generated root, one per issuer, so that a restart or a second replica loads the same
/// CA instead of making a new one (the original kept it in memory and minted a new root on every start).
/// </summary>
public interface ICaKeyStore
{
    /// <summary>The issuer's stored CA, or null when none has been stored yet.</summary>
    Task<StoredCaKey?> FindAsync(string issuerId, CancellationToken cancellationToken);

    /// <summary>Stores the CA unless the issuer already has one; false means another process stored one first (keep that one).</summary>
    Task<bool> TryAddAsync(string issuerId, StoredCaKey key, CancellationToken cancellationToken);
}
