namespace Certctl.Domain;

/// <summary>A certificate's validity period; NotBefore is missing when only <c>expires_at</c> is known.</summary>
public sealed record CertificateValidity(DateTimeOffset? NotBefore, DateTimeOffset NotAfter)
{
    /// <summary>The full lifetime, or null when it cannot be measured (no NotBefore, or a period that ends before it starts).</summary>
    public TimeSpan? Lifetime => NotBefore is { } notBefore && NotAfter > notBefore ? NotAfter - notBefore : null;
}
