using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Certctl.Agent.Options;
using Certctl.Agent.Platform;
using Microsoft.Extensions.Options;

namespace Certctl.Agent.Deployment;

/// <summary>
/// Puts a set of files in place all together or not at all (reference §5.6): lock, skip when unchanged, back up, stage a
/// temp file beside each destination with its owner and mode, validate, rename, reload, restore the backups when the
/// reload fails, keep the newest backups.
/// </summary>
public sealed class AtomicFileDeployment(ICommandRunner commands, TimeProvider time, IOptions<AgentOptions> options, ILogger<AtomicFileDeployment> logger)
{
    /// <summary>Suffix of a backup: <c>&lt;path&gt;.certctl-bak.&lt;unix nanoseconds&gt;</c>.</summary>
    public const string BackupMarker = ".certctl-bak.";

    /// <summary>Suffix of a staged file: <c>&lt;path&gt;.certctl-tmp.&lt;unix nanoseconds&gt;</c>.</summary>
    public const string TempMarker = ".certctl-tmp.";

    private static readonly Counter<long> IdempotentSkips =
        AgentTelemetry.Meter.CreateCounter<long>("certctl_deploy_idempotent_skip_total", description: "Deployments skipped because every file already held the bytes.");

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> PathLocks = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="plan"/>; failures are returned, not thrown, except cancellation.</summary>
    public async Task<DeploymentResult> DeployAsync(DeploymentPlan plan, CancellationToken cancellationToken)
    {
        var files = plan.Files.Select(file => file with { Path = Path.GetFullPath(file.Path) }).ToList();
        // Locks are taken in one global order so two plans sharing files can never deadlock.
        var locks = files.Select(file => file.Path).Distinct().Order(StringComparer.Ordinal).Select(path => PathLocks.GetOrAdd(path, _ => new SemaphoreSlim(1, 1))).ToList();
        var taken = 0;
        try
        {
            foreach (var pathLock in locks)
            {
                await pathLock.WaitAsync(cancellationToken);
                taken++;
            }

            return await DeployLockedAsync(plan, files, cancellationToken);
        }
        finally
        {
            for (var index = 0; index < taken; index++)
            {
                locks[index].Release();
            }
        }
    }

    private async Task<DeploymentResult> DeployLockedAsync(DeploymentPlan plan, List<DeploymentFile> files, CancellationToken cancellationToken)
    {
        if (files.All(HoldsSameBytes))
        {
            IdempotentSkips.Add(1);
            logger.LogInformation("Every destination already holds the new bytes ({Files}); nothing to do", string.Join(", ", files.Select(f => f.Path)));
            return new DeploymentResult(DeploymentOutcome.SkippedUnchanged);
        }

        var retention = plan.BackupRetention is { } own && own != 0 ? own : options.Value.BackupRetention;
        var stamp = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        while (files.Any(file => File.Exists(file.Path + BackupMarker + stamp) || File.Exists(file.Path + TempMarker + stamp)))
        {
            stamp++; // two deployments within one clock tick must not share a backup name
        }

        var staged = new List<StagedFile>();
        try
        {
            foreach (var file in files)
            {
                staged.Add(Stage(file, stamp, retention >= 0));
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Discard(staged, removeBackups: true);
            return new DeploymentResult(DeploymentOutcome.StagingFailed, $"staging failed: {exception.Message}");
        }

        if (!string.IsNullOrWhiteSpace(plan.ValidateCommand))
        {
            var validation = await commands.RunAsync(plan.ValidateCommand, options.Value.CommandRunTimeout, cancellationToken);
            if (!validation.Succeeded)
            {
                Discard(staged, removeBackups: true);
                return new DeploymentResult(DeploymentOutcome.ValidateFailed, $"validate command failed ({validation.Describe()})");
            }
        }

        foreach (var file in staged)
        {
            File.Move(file.TempPath, file.Path, overwrite: true); // rename(2) within one folder: atomic
        }

        var result = await ReloadAsync(plan, staged, cancellationToken);
        if (retention >= 0)
        {
            foreach (var file in staged)
            {
                PruneBackups(file.Path, retention);
            }
        }

        return result;
    }

    private async Task<DeploymentResult> ReloadAsync(DeploymentPlan plan, List<StagedFile> staged, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(plan.ReloadCommand))
        {
            return new DeploymentResult(DeploymentOutcome.Deployed);
        }

        var reload = await commands.RunAsync(plan.ReloadCommand, options.Value.CommandRunTimeout, cancellationToken);
        if (reload.Succeeded)
        {
            return new DeploymentResult(DeploymentOutcome.Deployed);
        }

        var reason = $"reload command failed ({reload.Describe()})";
        logger.LogWarning("Reload failed; restoring the previous files: {Reason}", reason);
        try
        {
            Restore(staged);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return new DeploymentResult(DeploymentOutcome.RollbackFailed, $"{reason}; restoring the previous files failed: {exception.Message}");
        }

        var second = await commands.RunAsync(plan.ReloadCommand, options.Value.CommandRunTimeout, CancellationToken.None);
        return second.Succeeded
            ? new DeploymentResult(DeploymentOutcome.ReloadFailedRolledBack, $"{reason}; the previous files were restored")
            : new DeploymentResult(DeploymentOutcome.RollbackFailed, $"{reason}; previous files restored but the reload failed again ({second.Describe()})");
    }

    private static bool HoldsSameBytes(DeploymentFile file)
    {
        if (!File.Exists(file.Path))
        {
            return false;
        }

        using var stream = File.OpenRead(file.Path);
        return SHA256.HashData(stream).AsSpan().SequenceEqual(SHA256.HashData(file.Content));
    }

    private static StagedFile Stage(DeploymentFile file, long stamp, bool keepBackup)
    {
        var folder = Path.GetDirectoryName(file.Path)!;
        Directory.CreateDirectory(folder);
        var existed = File.Exists(file.Path);
        string? backup = null;
        if (existed && keepBackup)
        {
            backup = file.Path + BackupMarker + stamp;
            // A copy, not a rename: the live file stays in place until the commit. Mode and owner come along.
            File.Copy(file.Path, backup, overwrite: true);
            File.SetUnixFileMode(backup, File.GetUnixFileMode(file.Path));
            UnixOwnership.Set(backup, UnixOwnership.Get(file.Path));
        }

        var temp = file.Path + TempMarker + stamp;
        try
        {
            WriteTemp(file, temp, existed);
        }
        catch
        {
            File.Delete(temp);
            if (backup is not null)
            {
                File.Delete(backup);
            }

            throw;
        }

        return new StagedFile(file.Path, temp, backup, existed);
    }

    private static void WriteTemp(DeploymentFile file, string temp, bool existed)
    {
        // Created owner-only: a private key is never readable by others, even before its final mode is applied.
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(file.Content);
            stream.Flush(flushToDisk: true);
        }

        var owner = existed ? UnixOwnership.Get(file.Path) : UnixOwnership.Get(temp);
        var wantedOwner = new FileOwner(
            file.Owner is { Length: > 0 } user ? UnixOwnership.UserId(user) ?? throw new IOException($"no user '{user}' on this host") : owner.UserId,
            file.Group is { Length: > 0 } group ? UnixOwnership.GroupId(group) ?? throw new IOException($"no group '{group}' on this host") : owner.GroupId);
        // chown before chmod: changing the owner may clear set-id bits, and the mode must be the last word.
        UnixOwnership.Set(temp, wantedOwner);
        File.SetUnixFileMode(temp, file.Mode ?? (existed ? File.GetUnixFileMode(file.Path) : file.DefaultMode));
    }

    private static void Restore(List<StagedFile> staged)
    {
        foreach (var file in staged)
        {
            if (file.BackupPath is not null)
            {
                // Back through a temp file and a rename, so the service never sees a half-restored file.
                var restoring = file.Path + TempMarker + "restore";
                File.Copy(file.BackupPath, restoring, overwrite: true);
                File.SetUnixFileMode(restoring, File.GetUnixFileMode(file.BackupPath));
                UnixOwnership.Set(restoring, UnixOwnership.Get(file.BackupPath));
                File.Move(restoring, file.Path, overwrite: true);
            }
            else if (!file.Existed)
            {
                File.Delete(file.Path); // the deployment created it; before it there was nothing
            }
            else
            {
                throw new InvalidOperationException($"no backup of {file.Path} (CERTCTL_DEPLOY_BACKUP_RETENTION=-1)");
            }
        }
    }

    private static void Discard(List<StagedFile> staged, bool removeBackups)
    {
        foreach (var file in staged)
        {
            File.Delete(file.TempPath);
            if (removeBackups && file.BackupPath is not null)
            {
                File.Delete(file.BackupPath);
            }
        }
    }

    private void PruneBackups(string path, int keep)
    {
        var folder = Path.GetDirectoryName(path)!;
        var prefix = Path.GetFileName(path) + BackupMarker;
        var backups = Directory.EnumerateFiles(folder, prefix + "*")
            .Select(backup => (Path: backup, Stamp: long.TryParse(Path.GetFileName(backup)[prefix.Length..], out var value) ? value : -1))
            .Where(backup => backup.Stamp >= 0)
            .OrderByDescending(backup => backup.Stamp)
            .Skip(keep);
        foreach (var old in backups)
        {
            try
            {
                File.Delete(old.Path);
            }
            catch (IOException exception)
            {
                logger.LogWarning(exception, "Could not remove old backup {Backup}", old.Path);
            }
        }
    }

    private sealed record StagedFile(string Path, string TempPath, string? BackupPath, bool Existed);
}
