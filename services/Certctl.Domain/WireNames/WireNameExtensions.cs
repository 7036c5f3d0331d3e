namespace Certctl.Domain;

/// <summary>Shorthand for <see cref="WireNames{TEnum}.ToWire"/> on any status or mode value.</summary>
public static class WireNameExtensions
{
    public static string ToWire<TEnum>(this TEnum value) where TEnum : struct, Enum =>
        WireNames<TEnum>.ToWire(value);
}
