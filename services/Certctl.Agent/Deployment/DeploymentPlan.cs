namespace Certctl.Agent.Deployment;

/// <summary>
/// One file to put in place. Mode and owner precedence: the explicit value here, then the existing file's, then
/// <see cref="DefaultMode"/> (a new file keeps the agent's user as owner).
/// </summary>
public sealed record DeploymentFile(string Path, byte[] Content, UnixFileMode DefaultMode, UnixFileMode? Mode = null, string? Owner = null, string? Group = null);

/// <summary>Everything one deployment writes and runs: the files, the pre-commit validate and post-commit reload commands.</summary>
/// <param name="BackupRetention">Backups kept per file; null means the agent's default, -1 means none (no rollback).</param>
public sealed record DeploymentPlan(IReadOnlyList<DeploymentFile> Files, string? ValidateCommand, string? ReloadCommand, int? BackupRetention = null);
