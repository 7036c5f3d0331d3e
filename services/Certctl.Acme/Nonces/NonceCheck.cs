namespace Certctl.Acme.Nonces;

/// <summary>What opening a nonce found: its verdict and, when redeemable, its id and the moment it stops being acceptable.</summary>
public readonly record struct NonceCheck(NonceVerdict Verdict, Guid Id, DateTimeOffset ExpiresAt)
{
    public static NonceCheck Invalid(NonceVerdict verdict) => new(verdict, Guid.Empty, default);
}

/// <summary>Why a nonce is or is not accepted.</summary>
public enum NonceVerdict
{
    /// <summary>Ours, fresh, and (after redemption) not seen before.</summary>
    Redeemable,

    /// <summary>Not minted under our key (or altered, or not a nonce at all).</summary>
    Forged,

    /// <summary>Older than the nonce lifetime.</summary>
    Stale,

    /// <summary>Already redeemed once, by any replica.</summary>
    Replayed,
}
