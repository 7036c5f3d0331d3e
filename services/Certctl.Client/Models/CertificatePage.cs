namespace Certctl.Client.Models;

/// <summary>One keyset page of certificates; pass <see cref="NextCursor"/> back as <c>cursor</c> until it is null.</summary>
public sealed record CertificatePage(IReadOnlyList<Certificate> Data, string? NextCursor, int Limit);
