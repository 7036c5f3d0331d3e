using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.AgentIngest.Auth;

/// <summary>
/// Checks that a bearer token belongs to the agent named in the path. Credentials read from the database are kept for
/// <c>CERTCTL_AGENT_AUTH_CACHE_SECONDS</c>, so a fleet's heartbeats cost a hash and a dictionary look-up, not a query each.
/// </summary>
/// <remarks>
/// The cache is the documented bound on revocation: a retired agent or a replaced token is refused at most that long after
/// the change. A token that does not match a cached hash is checked once more against the database when the cached read
/// is over a second old (the token may be newer than the cache), and unknown ids are cached too, so a stream of bad
/// requests cannot turn into a stream of queries.
/// <para>
/// A credential used when it is over half the cache time old is re-read in the background, many ids in one query
/// (<see cref="AgentCredentialRefresher"/>), while the request goes on with the cached one. A fleet that heartbeats steadily
/// therefore never waits for the database: without it, 5,000 agents whose credentials were cached in the same few seconds
/// all expired together every 30 s, and 2,000 heartbeats/s queued behind 5,000 single-row reads (p99 from 21 to 110 ms).
/// </para>
/// <para>
/// Credentials that are not cached at all (a replica just started, a fleet back after a pause, agents whose heartbeat interval
/// is longer than the cache time) are read together too: while one read is in flight, every other miss waits for the next,
/// which asks for all of them (up to <see cref="MaxIdsPerRead"/> ids) in one query. A lone miss is read at once.
/// </para>
/// </remarks>
public sealed class AgentTokenVerifier(NpgsqlDataSource db, TimeProvider time, IOptions<AgentIngestOptions> options)
{
    // Bounded memory: ids are chosen by callers, and must not grow the cache without limit.
    private const int MaxEntries = 200_000;

    /// <summary>The most ids one credential query asks for.</summary>
    internal const int MaxIdsPerRead = 1000;

    private static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(1);

    // Misses waiting for the next read, and whether a read loop runs (both under _missesGate).
    private readonly Lock _missesGate = new();
    private Dictionary<string, TaskCompletionSource<AgentCredential>> _misses = new(StringComparer.Ordinal);
    private bool _reading;
    private long _queries;

    /// <summary>Credential queries made so far (misses and background re-reads), for tests and diagnostics.</summary>
    internal long Queries => Interlocked.Read(ref _queries);

    private readonly ConcurrentDictionary<string, AgentCredential> _cache = new(StringComparer.Ordinal);

    // Ids waiting for a background re-read, each queued once; bounded like the cache (a full queue only delays a refresh).
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);
    private readonly Channel<string> _refreshes =
        Channel.CreateBounded<string>(new BoundedChannelOptions(MaxEntries) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Ids whose cached credentials are due for a background re-read (drained by <see cref="AgentCredentialRefresher"/>).</summary>
    internal ChannelReader<string> DueForRefresh => _refreshes.Reader;

    /// <summary>Whether <paramref name="token"/> authenticates <paramref name="agentId"/>.</summary>
    public async ValueTask<AgentAuthResult> VerifyAsync(string agentId, string? token, CancellationToken cancellationToken)
    {
        if (token is null)
        {
            return AgentAuthResult.Unauthorized;
        }

        var hash = AgentToken.Hash(token);
        var credential = await GetAsync(agentId, refresh: false, cancellationToken);
        if (credential.Exists && !Matches(credential, hash) && time.GetUtcNow() - credential.ReadAt >= RecheckAfter)
        {
            credential = await GetAsync(agentId, refresh: true, cancellationToken);
        }

        if (!credential.Exists)
        {
            return AgentAuthResult.UnknownAgent;
        }

        if (!Matches(credential, hash))
        {
            return AgentAuthResult.Unauthorized;
        }

        return credential.Retired ? AgentAuthResult.Retired : AgentAuthResult.Authenticated;
    }

    /// <summary>Drops what is cached for <paramref name="agentId"/> (this replica changed it).</summary>
    public void Forget(string agentId) => _cache.TryRemove(agentId, out _);

    private static bool Matches(AgentCredential credential, byte[] hash) =>
        credential.TokenHash is { } stored && CryptographicOperations.FixedTimeEquals(stored, hash);

    private async ValueTask<AgentCredential> GetAsync(string agentId, bool refresh, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lifetime = options.Value.AuthCacheDuration;
        if (!refresh && _cache.TryGetValue(agentId, out var cached) && cached.ReadAt + lifetime > now)
        {
            if (now - cached.ReadAt >= lifetime / 2 && _queued.TryAdd(agentId, 0) && !_refreshes.Writer.TryWrite(agentId))
            {
                _queued.TryRemove(agentId, out _);
            }

            return cached;
        }

        var credential = await ReadWithOthersAsync(agentId).WaitAsync(cancellationToken);
        if (lifetime > TimeSpan.Zero)
        {
            if (_cache.Count >= MaxEntries)
            {
                _cache.Clear();
            }

            _cache[agentId] = credential;
        }

        return credential;
    }

    /// <summary>
    /// Re-reads the credentials of <paramref name="agentIds"/> in one query and replaces the cached ones, unless an entry
    /// changed or was forgotten meanwhile (a change this replica made must not be overwritten by an older read).
    /// </summary>
    internal async Task RefreshAsync(IReadOnlyList<string> agentIds, CancellationToken cancellationToken)
    {
        try
        {
            var before = new Dictionary<string, AgentCredential>(agentIds.Count, StringComparer.Ordinal);
            foreach (var agentId in agentIds)
            {
                if (_cache.TryGetValue(agentId, out var cached))
                {
                    before[agentId] = cached;
                }
            }

            if (before.Count == 0)
            {
                return;
            }

            var read = await QueryAsync(before.Keys.ToArray(), cancellationToken);
            foreach (var (agentId, old) in before)
            {
                _cache.TryUpdate(agentId, read[agentId], old);
            }
        }
        finally
        {
            foreach (var agentId in agentIds)
            {
                _queued.TryRemove(agentId, out _);
            }
        }
    }

    // Joins the next read: starts the read loop when none runs, so a lone miss costs one query and no wait.
    private Task<AgentCredential> ReadWithOthersAsync(string agentId)
    {
        TaskCompletionSource<AgentCredential>? waiter;
        bool start;
        lock (_missesGate)
        {
            if (!_misses.TryGetValue(agentId, out waiter))
            {
                // Asynchronous continuations: a read completes up to a thousand requests, which must not run one after another here.
                waiter = new TaskCompletionSource<AgentCredential>(TaskCreationOptions.RunContinuationsAsynchronously);
                _misses[agentId] = waiter;
            }

            start = !_reading;
            _reading = true;
        }

        if (start)
        {
            _ = ReadMissesAsync();
        }

        return waiter.Task;
    }

    // Reads the waiting misses until none is left. Not cancellable: each read serves many requests, and the command timeout bounds it.
    private async Task ReadMissesAsync()
    {
        while (true)
        {
            Dictionary<string, TaskCompletionSource<AgentCredential>> batch;
            lock (_missesGate)
            {
                if (_misses.Count == 0)
                {
                    _reading = false;
                    return;
                }

                batch = TakeMisses();
            }

            try
            {
                var read = await QueryAsync(batch.Keys.ToArray(), CancellationToken.None);
                foreach (var (agentId, waiter) in batch)
                {
                    waiter.TrySetResult(read[agentId]);
                }
            }
            catch (Exception exception)
            {
                foreach (var waiter in batch.Values)
                {
                    waiter.TrySetException(exception);
                }
            }
        }
    }

    // Under _missesGate: all waiting misses, or the first MaxIdsPerRead of them.
    private Dictionary<string, TaskCompletionSource<AgentCredential>> TakeMisses()
    {
        if (_misses.Count <= MaxIdsPerRead)
        {
            var all = _misses;
            _misses = new Dictionary<string, TaskCompletionSource<AgentCredential>>(StringComparer.Ordinal);
            return all;
        }

        var batch = new Dictionary<string, TaskCompletionSource<AgentCredential>>(MaxIdsPerRead, StringComparer.Ordinal);
        foreach (var (agentId, waiter) in _misses)
        {
            batch[agentId] = waiter;
            if (batch.Count == MaxIdsPerRead)
            {
                break;
            }
        }

        foreach (var agentId in batch.Keys)
        {
            _misses.Remove(agentId);
        }

        return batch;
    }

    // One query for many ids; an id with no row comes back as an unknown agent (cached too, see the remarks).
    private async Task<Dictionary<string, AgentCredential>> QueryAsync(string[] agentIds, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _queries);
        var now = time.GetUtcNow();
        var read = new Dictionary<string, AgentCredential>(agentIds.Length, StringComparer.Ordinal);
        await using (var command = db.CreateCommand("SELECT id, token_hash, retired_at IS NOT NULL FROM agents WHERE id = ANY(@ids)"))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("ids", agentIds));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                read[reader.GetString(0)] = new AgentCredential(true, reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1), reader.GetBoolean(2), now);
            }
        }

        foreach (var agentId in agentIds)
        {
            read.TryAdd(agentId, new AgentCredential(false, null, false, now));
        }

        return read;
    }
}
