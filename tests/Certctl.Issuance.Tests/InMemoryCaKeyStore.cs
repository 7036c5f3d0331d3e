using System.Collections.Concurrent;

namespace Certctl.Issuance.Tests;

/// <summary>An <see cref="ICaKeyStore"/> in a dictionary, for tests only; the real one is a database table.</summary>
internal sealed class InMemoryCaKeyStore : ICaKeyStore
{
    private readonly ConcurrentDictionary<string, StoredCaKey> _keys = new(StringComparer.Ordinal);
    private int _addAttempts;

    public int AddAttempts => Volatile.Read(ref _addAttempts);

    public StoredCaKey? this[string issuerId] => _keys.GetValueOrDefault(issuerId);

    public Task<StoredCaKey?> FindAsync(string issuerId, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.GetValueOrDefault(issuerId));

    public Task<bool> TryAddAsync(string issuerId, StoredCaKey key, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _addAttempts);
        return Task.FromResult(_keys.TryAdd(issuerId, key));
    }
}
