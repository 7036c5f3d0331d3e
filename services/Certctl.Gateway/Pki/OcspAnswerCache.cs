using System.Security.Cryptography;
using Certctl.Contracts;
using Microsoft.Extensions.Caching.Memory;

namespace Certctl.Gateway.Pki;

/// <summary>
/// Signed OCSP answers the connector marked cacheable, keyed by issuer and the SHA-256 of the exact request, kept until their nextUpdate.
/// Bounded (<see cref="Capacity"/> entries) so distinct requests cannot grow it without limit. A hit is only half the check: the caller
/// must confirm that none of its good serials was revoked since (<see cref="OcspAnswers"/> does).
/// </summary>
public sealed class OcspAnswerCache : IDisposable
{
    /// <summary>Most answers kept; beyond it the cache compacts.</summary>
    public const int Capacity = 10_000;

    private readonly MemoryCache _cache;

    public OcspAnswerCache(TimeProvider time) =>
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = Capacity, Clock = new TimeProviderClock(time) });

    public static string KeyFor(string issuerId, byte[] request) => $"{issuerId}\n{Convert.ToBase64String(SHA256.HashData(request))}";

    public bool TryGet(string key, out OcspResponseSigned? answer) => _cache.TryGetValue(key, out answer);

    public void Set(string key, OcspResponseSigned answer, DateTimeOffset nextUpdate) =>
        _cache.Set(key, answer, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = nextUpdate });

    public void Remove(string key) => _cache.Remove(key);

    public void Dispose() => _cache.Dispose();

#pragma warning disable CS0618 // ISystemClock is the only clock MemoryCacheOptions takes.
    private sealed class TimeProviderClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618
}
