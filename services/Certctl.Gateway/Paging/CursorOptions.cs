namespace Certctl.Gateway.Paging;

/// <summary>The key that signs list cursors, from <c>CERTCTL_CURSOR_KEY</c>.</summary>
public sealed class CursorOptions
{
    /// <summary>Configuration key (environment variable) of <see cref="Key"/>.</summary>
    public const string KeyVariable = "CERTCTL_CURSOR_KEY";

    /// <summary>Shortest accepted key.</summary>
    public const int MinimumKeyLength = 32;

    /// <summary>
    /// HMAC key for cursors, at least 32 characters. When unset each process makes a random one: cursors then stop
    /// working across a restart, and behind a load balancer every gateway replica must be given the same key.
    /// </summary>
    [ConfigurationKeyName(KeyVariable)]
    public string? Key { get; set; }
}
