namespace Certctl.Gateway.Paging;

/// <summary>Registers the cursor codec and its key option.</summary>
public static class PagingServiceExtensions
{
    /// <summary>Adds <see cref="CursorCodec"/>; <c>CERTCTL_CURSOR_KEY</c>, when set, must be at least 32 characters (checked on start).</summary>
    public static IServiceCollection AddCursorPaging(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CursorOptions>()
            .Bind(configuration)
            .Validate(options => string.IsNullOrEmpty(options.Key) || options.Key.Length >= CursorOptions.MinimumKeyLength,
                $"{CursorOptions.KeyVariable} must be at least {CursorOptions.MinimumKeyLength} characters (or unset for a per-process key).")
            .ValidateOnStart();
        services.AddSingleton<CursorCodec>();
        return services;
    }
}
