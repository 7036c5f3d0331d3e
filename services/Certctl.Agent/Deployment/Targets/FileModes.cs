namespace Certctl.Agent.Deployment.Targets;

/// <summary>The default modes for new files: certificates world-readable, keys not.</summary>
public static class FileModes
{
    /// <summary>0644.</summary>
    public const UnixFileMode Certificate = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>0640: the server's worker reads the key through its group.</summary>
    public const UnixFileMode GroupReadableKey = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    /// <summary>0600.</summary>
    public const UnixFileMode PrivateKey = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>A file for role <paramref name="role"/> (<c>cert</c>, <c>chain</c>, <c>key</c>) with that role's mode and owner overrides.</summary>
    public static DeploymentFile File(TargetConfig config, string role, string path, string content, UnixFileMode defaultMode) =>
        new(path, System.Text.Encoding.ASCII.GetBytes(content), defaultMode,
            config.Mode($"{role}_file_mode"), config.Text($"{role}_file_owner"), config.Text($"{role}_file_group"));
}
