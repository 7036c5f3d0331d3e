using System.Collections.Concurrent;
using System.Security.Cryptography;
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
/// </remarks>
public sealed class AgentTokenVerifier(NpgsqlDataSource db, TimeProvider time, IOptions<AgentIngestOptions> options)
{
    // Bounded memory: ids are chosen by callers, and must not grow the cache without limit.
    private const int MaxEntries = 200_000;

    private static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, AgentCredential> _cache = new(StringComparer.Ordinal);

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
            return cached;
        }

        var credential = await ReadAsync(agentId, now, cancellationToken);
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

    private async Task<AgentCredential> ReadAsync(string agentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand("SELECT token_hash, retired_at IS NOT NULL FROM agents WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter<string>("id", agentId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AgentCredential(true, reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0), reader.GetBoolean(1), now)
            : new AgentCredential(false, null, false, now);
    }
}
