namespace Certctl.Agent.Platform;

/// <summary>Folders and files that hold secrets (private keys, the agent token): folder 0700, file 0600, written atomically.</summary>
public static class PrivateFolder
{
    /// <summary>Folder mode for secrets: owner only.</summary>
    public const UnixFileMode SecretFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>File mode for secrets: owner read and write.</summary>
    public const UnixFileMode SecretFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> with mode 0700, or tightens an existing folder that allows anyone else in.</summary>
    public static void Ensure(string path)
    {
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, SecretFolderMode);
        }

        // CreateDirectory applies the umask, and an operator may have made the folder by hand: always end at 0700.
        if (File.GetUnixFileMode(path) != SecretFolderMode)
        {
            File.SetUnixFileMode(path, SecretFolderMode);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> with mode 0600 from the first byte, replacing any earlier file.</summary>
    public static void WriteSecret(string path, ReadOnlySpan<byte> bytes)
    {
        var folder = Path.GetDirectoryName(path) ?? throw new ArgumentException("A secret needs a folder.", nameof(path));
        Ensure(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Created 0600, so the secret is never readable by others, not even for the moment before a chmod.
            using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = SecretFileMode,
            }))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
