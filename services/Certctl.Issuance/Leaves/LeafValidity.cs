namespace Certctl.Issuance;

/// <summary>A leaf's validity period and the bound that decided it.</summary>
public readonly record struct LeafValidity(DateTimeOffset NotBefore, DateTimeOffset NotAfter, ValidityLimit LimitedBy)
{
    /// <summary>Shorter than this is refused: with the one-minute backdate, a leaf would be nearly expired on arrival.</summary>
    public static readonly TimeSpan MinimumTtl = TimeSpan.FromMinutes(2);

    /// <summary>
    /// TTL = the request's, else the profile's, else the issuer default; cut to the profile's and the issuer's
    /// maximum. notBefore = now (whole seconds) minus <see cref="IssuingCa.Backdate"/>, but never before the CA's own
    /// notBefore; notAfter = notBefore + TTL − 1 s, because RFC 5280 counts both ends, so the certificate's
    /// lifetime is exactly the TTL (as Boulder does); then cut to the CA's notAfter. The backdate comes out of the
    /// TTL rather than on top of it, so a certificate never exceeds a profile's maximum.
    /// </summary>
    /// <exception cref="InvalidValidityException">The requested TTL is shorter than <see cref="MinimumTtl"/>.</exception>
    /// <exception cref="CertificateAuthorityException">The profile or issuer maximum is below the minimum, or the CA is expiring.</exception>
    public static LeafValidity Compute(
        DateTimeOffset now, TimeSpan? requestedTtl, TimeSpan? profileMaxTtl, LocalCaOptions options, DateTimeOffset caNotBefore, DateTimeOffset caNotAfter)
    {
        // max_ttl_seconds = 0 is how a profile row says "the issuer decides".
        if (profileMaxTtl <= TimeSpan.Zero)
        {
            profileMaxTtl = null;
        }

        if (requestedTtl < MinimumTtl)
        {
            throw new InvalidValidityException($"A TTL of {requestedTtl} is too short; the minimum is {MinimumTtl}.");
        }

        var (ttl, limit) = (requestedTtl, profileMaxTtl) switch
        {
            ({ } requested, _) => (requested, ValidityLimit.Requested),
            (null, { } profile) => (profile, ValidityLimit.ProfileMaxTtl),
            _ => (options.DefaultTtl, ValidityLimit.IssuerDefaultTtl),
        };

        if (profileMaxTtl is { } profileMax && profileMax < ttl)
        {
            (ttl, limit) = (profileMax, ValidityLimit.ProfileMaxTtl);
        }

        if (options.MaxTtl < ttl)
        {
            (ttl, limit) = (options.MaxTtl, ValidityLimit.IssuerMaxTtl);
        }

        if (ttl < MinimumTtl)
        {
            throw new CertificateAuthorityException($"The {limit} of {ttl} is below the minimum TTL of {MinimumTtl}; fix the profile or issuer settings.");
        }

        var notBefore = IssuingCa.TruncateToSeconds(now) - IssuingCa.Backdate;
        if (notBefore < caNotBefore)
        {
            notBefore = caNotBefore;
        }

        // Compared before adding, so an absurd configured maximum cannot overflow the date arithmetic.
        DateTimeOffset notAfter;
        if (ttl - TimeSpan.FromSeconds(1) > caNotAfter - notBefore)
        {
            (notAfter, limit) = (caNotAfter, ValidityLimit.IssuerExpiry);
        }
        else
        {
            notAfter = notBefore + ttl - TimeSpan.FromSeconds(1);
        }

        if (notAfter <= now)
        {
            throw new CertificateAuthorityException($"The issuing CA expires at {caNotAfter:O}; it cannot issue a certificate that is valid after now.");
        }

        return new LeafValidity(notBefore, notAfter, limit);
    }
}
