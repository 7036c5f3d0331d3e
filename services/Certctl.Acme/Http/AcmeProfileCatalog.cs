using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.Acme.Http;

/// <summary>
/// The enabled certificate profiles, read as one small list and served from memory, so the directory and new-nonce resolve
/// their profile without a database round trip. An unknown id reloads the list at most once per second: a new profile is
/// visible within a second, and a flood of made-up ids costs the database one query per second, not one per request.
/// </summary>
public sealed class AcmeProfileCatalog(NpgsqlDataSource dataSource, TimeProvider timeProvider, IOptions<AcmeServerOptions> options)
{
    private static readonly TimeSpan MissReloadInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Snapshot _snapshot = new(FrozenDictionary<string, AcmeProfile>.Empty, DateTimeOffset.MinValue);

    /// <summary>The enabled profile with this id, or null.</summary>
    public ValueTask<AcmeProfile?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        var age = timeProvider.GetUtcNow() - snapshot.LoadedAt;
        if (age < options.Value.ProfileCacheDuration || age < MissReloadInterval)
        {
            if (snapshot.Profiles.TryGetValue(id, out var profile))
            {
                return ValueTask.FromResult<AcmeProfile?>(profile);
            }

            if (age < MissReloadInterval)
            {
                return ValueTask.FromResult<AcmeProfile?>(null);
            }
        }

        return ReloadAndFindAsync(id, snapshot, cancellationToken);
    }

    private async ValueTask<AcmeProfile?> ReloadAndFindAsync(string id, Snapshot seen, CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            // Another caller may have reloaded while this one waited.
            if (ReferenceEquals(seen, _snapshot))
            {
                _snapshot = await LoadAsync(cancellationToken);
            }
        }
        finally
        {
            _reload.Release();
        }

        return _snapshot.Profiles.GetValueOrDefault(id);
    }

    private async Task<Snapshot> LoadAsync(CancellationToken cancellationToken)
    {
        var profiles = new Dictionary<string, AcmeProfile>(StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand(
            "SELECT id, acme_auth_mode, acme_allow_private_addresses FROM certificate_profiles WHERE enabled");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var profile = new AcmeProfile(reader.GetString(0), reader.GetString(1), reader.GetBoolean(2));
            profiles[profile.Id] = profile;
        }

        return new Snapshot(profiles.ToFrozenDictionary(StringComparer.Ordinal), timeProvider.GetUtcNow());
    }

    private sealed record Snapshot(FrozenDictionary<string, AcmeProfile> Profiles, DateTimeOffset LoadedAt);
}
