using System.ComponentModel.DataAnnotations;

namespace Certctl.Gateway.Problems;

/// <summary>Request limits of the operator API, bound from <c>CERTCTL_*</c> configuration.</summary>
public sealed class RequestLimitsOptions
{
    /// <summary>Configuration key of <see cref="MaxBodySize"/>.</summary>
    public const string MaxBodySizeVariable = "CERTCTL_MAX_BODY_SIZE";

    /// <summary>Largest request body under <c>/api/v1</c>, in bytes (default 1 MiB); larger bodies get 413.</summary>
    [ConfigurationKeyName(MaxBodySizeVariable)]
    [Range(1, 1L << 30)]
    public long MaxBodySize { get; set; } = 1L << 20;
}
