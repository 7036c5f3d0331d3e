namespace Certctl.Migrations;

/// <summary>Reads <c>CERTCTL_DEMO_SEED</c> the way the original reads booleans: true, 1 and yes mean on.</summary>
public static class SeedSetting
{
    /// <summary>True for <c>true</c>, <c>1</c> or <c>yes</c> (any case); false for anything else, including unset.</summary>
    public static bool IsEnabled(string? value) =>
        value?.Trim().ToLowerInvariant() is "true" or "1" or "yes";
}
