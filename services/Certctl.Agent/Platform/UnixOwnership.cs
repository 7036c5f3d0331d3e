using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Certctl.Agent.Platform;

/// <summary>A file's numeric owner and group, read and set through libc (.NET has file modes but no owners).</summary>
public readonly record struct FileOwner(uint UserId, uint GroupId);

/// <summary>Reads and changes file ownership and resolves user and group names, through libc.</summary>
public static partial class UnixOwnership
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;

    /// <summary>The owner of <paramref name="path"/> (not following a final symbolic link).</summary>
    public static FileOwner Get(string path)
    {
        // struct statx has one layout on every Linux architecture (uid at byte 20, gid at 24), unlike struct stat.
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            throw new IOException($"statx '{path}' failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return new FileOwner(BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(20)), BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(24)));
    }

    /// <summary>Gives <paramref name="path"/> to <paramref name="owner"/>; a no-op when it already has that owner.</summary>
    public static void Set(string path, FileOwner owner)
    {
        if (Get(path) == owner)
        {
            return;
        }

        if (Chown(path, owner.UserId, owner.GroupId) != 0)
        {
            throw new IOException($"chown {owner.UserId}:{owner.GroupId} '{path}' failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>The id of user <paramref name="name"/> (a name or a number), or null when the host has no such user.</summary>
    public static uint? UserId(string name)
    {
        if (uint.TryParse(name, out var id))
        {
            return id;
        }

        // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; ... }: the id follows two pointers.
        var entry = GetPwNam(name);
        return entry == IntPtr.Zero ? null : (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
    }

    /// <summary>The id of group <paramref name="name"/> (a name or a number), or null when the host has no such group.</summary>
    public static uint? GroupId(string name)
    {
        if (uint.TryParse(name, out var id))
        {
            return id;
        }

        // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; ... }.
        var entry = GetGrNam(name);
        return entry == IntPtr.Zero ? null : (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirFd, string path, int flags, uint mask, byte[] buffer);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "getpwnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetPwNam(string name);

    [LibraryImport("libc", EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetGrNam(string name);
}
