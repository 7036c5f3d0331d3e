using System.Text;
using Certctl.Agent.Deployment;
using Certctl.Agent.Options;
using Certctl.Agent.Platform;
using Certctl.Agent.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Certctl.Agent.Tests.Deployment;

public sealed class AtomicFileDeploymentTests : IDisposable
{
    private const UnixFileMode Mode0644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Mode0640 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private const UnixFileMode Mode0600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly TempFolder _folder = new();
    private readonly ScriptedCommandRunner _commands = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-28T06:00:00Z"));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task First_deployment_writes_every_file_with_its_default_mode_then_validates_and_reloads()
    {
        var result = await DeployAsync("one");

        Assert.Equal(DeploymentOutcome.Deployed, result.Outcome);
        Assert.Equal("cert one", File.ReadAllText(_folder["cert.pem"]));
        Assert.Equal("key one", File.ReadAllText(_folder["key.pem"]));
        Assert.Equal(Mode0644, File.GetUnixFileMode(_folder["cert.pem"]));
        Assert.Equal(Mode0600, File.GetUnixFileMode(_folder["key.pem"]));
        Assert.Equal(["validate", "reload"], _commands.Commands);
        Assert.Equal(["cert.pem", "key.pem"], _folder.Files()); // no backups of files that did not exist, no temp files left
    }

    [Fact]
    public async Task Second_deployment_of_the_same_bytes_is_skipped_by_the_sha256_check_without_backup_validate_or_reload()
    {
        await DeployAsync("one");
        _commands.Commands.Clear();
        var written = File.GetLastWriteTimeUtc(_folder["cert.pem"]);
        _time.Advance(TimeSpan.FromMinutes(1));

        var result = await DeployAsync("one");

        Assert.Equal(DeploymentOutcome.SkippedUnchanged, result.Outcome);
        Assert.True(result.Succeeded);
        Assert.Empty(_commands.Commands);
        Assert.Equal(["cert.pem", "key.pem"], _folder.Files());
        Assert.Equal(written, File.GetLastWriteTimeUtc(_folder["cert.pem"]));
    }

    [Fact]
    public async Task A_change_to_any_one_file_deploys_them_all()
    {
        await DeployAsync("one");
        var result = await Deployment(_commands).DeployAsync(Plan("one", key: "key two"), CancellationToken.None);

        Assert.Equal(DeploymentOutcome.Deployed, result.Outcome);
        Assert.Equal("key two", File.ReadAllText(_folder["key.pem"]));
    }

    [Fact]
    public async Task Each_deployment_backs_up_the_previous_files_and_only_the_three_newest_backups_are_kept()
    {
        foreach (var version in new[] { "one", "two", "three", "four", "five" })
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(DeploymentOutcome.Deployed, (await DeployAsync(version)).Outcome);
        }

        var certBackups = Backups("cert.pem");
        Assert.Equal(3, certBackups.Count);
        Assert.Equal(["cert four", "cert three", "cert two"], certBackups.Select(File.ReadAllText).ToList());
        Assert.Equal(3, Backups("key.pem").Count);
        Assert.Equal("cert five", File.ReadAllText(_folder["cert.pem"]));
    }

    [Fact]
    public async Task Backup_retention_from_the_target_wins_and_minus_one_keeps_none()
    {
        await DeployAsync("one");
        await Deployment(_commands).DeployAsync(Plan("two") with { BackupRetention = -1 }, CancellationToken.None);
        Assert.Empty(Backups("cert.pem"));

        await Deployment(_commands).DeployAsync(Plan("three") with { BackupRetention = 1 }, CancellationToken.None);
        await Deployment(_commands).DeployAsync(Plan("four") with { BackupRetention = 1 }, CancellationToken.None);
        Assert.Equal(["cert three"], Backups("cert.pem").Select(File.ReadAllText).ToList());
    }

    [Fact]
    public async Task An_existing_files_owner_and_mode_are_preserved()
    {
        File.WriteAllText(_folder["cert.pem"], "old cert");
        File.SetUnixFileMode(_folder["cert.pem"], Mode0640);
        var owner = SomeOtherOwner();
        UnixOwnership.Set(_folder["cert.pem"], owner);

        var result = await DeployAsync("one");

        Assert.Equal(DeploymentOutcome.Deployed, result.Outcome);
        Assert.Equal("cert one", File.ReadAllText(_folder["cert.pem"]));
        Assert.Equal(Mode0640, File.GetUnixFileMode(_folder["cert.pem"]));
        Assert.Equal(owner, UnixOwnership.Get(_folder["cert.pem"]));
        var backup = Assert.Single(Backups("cert.pem"));
        Assert.Equal(owner, UnixOwnership.Get(backup));
        Assert.Equal(Mode0640, File.GetUnixFileMode(backup));
    }

    [Fact]
    public async Task An_explicit_mode_and_owner_win_over_the_existing_files()
    {
        File.WriteAllText(_folder["key.pem"], "old key");
        File.SetUnixFileMode(_folder["key.pem"], Mode0644);
        var owner = SomeOtherOwner();
        var plan = Plan("one") with
        {
            Files = [new DeploymentFile(_folder["key.pem"], Encoding.ASCII.GetBytes("key one"), Mode0600, Mode0640, owner.UserId.ToString(), owner.GroupId.ToString())],
        };

        var result = await Deployment(_commands).DeployAsync(plan, CancellationToken.None);

        Assert.Equal(DeploymentOutcome.Deployed, result.Outcome);
        Assert.Equal(Mode0640, File.GetUnixFileMode(_folder["key.pem"]));
        Assert.Equal(owner, UnixOwnership.Get(_folder["key.pem"]));
    }

    [Fact]
    public async Task A_failing_validate_leaves_the_old_files_untouched_and_nothing_behind()
    {
        await DeployAsync("one");
        _time.Advance(TimeSpan.FromSeconds(1));
        var before = _folder.Files();
        _commands.Commands.Clear();
        _commands.Then(1);

        var result = await DeployAsync("two");

        Assert.Equal(DeploymentOutcome.ValidateFailed, result.Outcome);
        Assert.False(result.Succeeded);
        Assert.Contains("validate command failed", result.Error);
        Assert.Equal("cert one", File.ReadAllText(_folder["cert.pem"]));
        Assert.Equal("key one", File.ReadAllText(_folder["key.pem"]));
        Assert.Equal(["validate"], _commands.Commands); // never reloaded
        Assert.Equal(before, _folder.Files());           // no temp files, no backups of this attempt
    }

    [Fact]
    public async Task The_new_files_are_in_place_when_the_reload_runs_and_not_yet_when_validate_runs()
    {
        await DeployAsync("one");
        _time.Advance(TimeSpan.FromSeconds(1));
        var seen = new Dictionary<string, string>();
        _commands.OnRun = command => seen[command] = File.ReadAllText(_folder["cert.pem"]);

        await DeployAsync("two");

        Assert.Equal("cert one", seen["validate"]);
        Assert.Equal("cert two", seen["reload"]);
    }

    [Fact]
    public async Task A_failing_reload_restores_the_old_files_reloads_again_and_reports_the_failure()
    {
        await DeployAsync("one");
        File.SetUnixFileMode(_folder["cert.pem"], Mode0640);
        _time.Advance(TimeSpan.FromSeconds(1));
        _commands.Commands.Clear();
        _commands.Then(0, 1, 0); // validate ok, reload fails, reload after the restore succeeds
        var seenAtReload = new List<string>();
        _commands.OnRun = command => seenAtReload.Add(File.ReadAllText(_folder["cert.pem"]));

        var result = await Deployment(_commands).DeployAsync(Plan("two", chain: "chain two"), CancellationToken.None);

        Assert.Equal(DeploymentOutcome.ReloadFailedRolledBack, result.Outcome);
        Assert.False(result.Succeeded);
        Assert.Contains("reload command failed", result.Error);
        Assert.Equal(["validate", "reload", "reload"], _commands.Commands);
        Assert.Equal(["cert one", "cert two", "cert one"], seenAtReload);
        Assert.Equal("cert one", File.ReadAllText(_folder["cert.pem"]));
        Assert.Equal("key one", File.ReadAllText(_folder["key.pem"]));
        Assert.Equal(Mode0640, File.GetUnixFileMode(_folder["cert.pem"]));
        Assert.False(File.Exists(_folder["chain.pem"])); // created by the failed deployment, so removed by the restore
        Assert.DoesNotContain(_folder.Files(), file => file.Contains(AtomicFileDeployment.TempMarker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_reload_that_fails_again_after_the_restore_is_a_rollback_failure()
    {
        await DeployAsync("one");
        _time.Advance(TimeSpan.FromSeconds(1));
        _commands.Then(0, 1, 1);

        var result = await DeployAsync("two");

        Assert.Equal(DeploymentOutcome.RollbackFailed, result.Outcome);
        Assert.Contains("reload failed again", result.Error);
        Assert.Equal("cert one", File.ReadAllText(_folder["cert.pem"]));
    }

    [Fact]
    public async Task With_the_real_shell_a_failing_reload_command_restores_the_old_files()
    {
        await DeployAsync("one");
        _time.Advance(TimeSpan.FromSeconds(1));
        var marker = _folder["reloaded-once"];
        // Fails the first time it runs and succeeds the second: a reload that breaks on the new files only.
        var reload = $"if [ -e '{marker}' ]; then exit 0; else touch '{marker}'; echo broken >&2; exit 3; fi";

        var result = await Deployment(new ShellCommandRunner()).DeployAsync(Plan("two") with { ValidateCommand = "true", ReloadCommand = reload }, CancellationToken.None);

        Assert.Equal(DeploymentOutcome.ReloadFailedRolledBack, result.Outcome);
        Assert.Contains("exit code 3: broken", result.Error);
        Assert.Equal("cert one", File.ReadAllText(_folder["cert.pem"]));
    }

    private Task<DeploymentResult> DeployAsync(string version) => Deployment(_commands).DeployAsync(Plan(version), CancellationToken.None);

    private DeploymentPlan Plan(string version, string? key = null, string? chain = null)
    {
        var files = new List<DeploymentFile>
        {
            new(_folder["cert.pem"], Encoding.ASCII.GetBytes($"cert {version}"), Mode0644),
            new(_folder["key.pem"], Encoding.ASCII.GetBytes(key ?? $"key {version}"), Mode0600),
        };
        if (chain is not null)
        {
            files.Add(new DeploymentFile(_folder["chain.pem"], Encoding.ASCII.GetBytes(chain), Mode0644));
        }

        return new DeploymentPlan(files, "validate", "reload");
    }

    private AtomicFileDeployment Deployment(ICommandRunner commands) =>
        new(commands, _time, Microsoft.Extensions.Options.Options.Create(new AgentOptions()), NullLogger<AtomicFileDeployment>.Instance);

    private List<string> Backups(string name) =>
        Directory.EnumerateFiles(_folder.Path, name + AtomicFileDeployment.BackupMarker + "*").OrderDescending(StringComparer.Ordinal).ToList();

    // As root (CI, this machine) a real other owner; otherwise the test's own user, which still proves the owner is kept.
    private FileOwner SomeOtherOwner() =>
        Environment.UserName == "root" ? new FileOwner(4321, 8765) : UnixOwnership.Get(_folder.Path);
}
