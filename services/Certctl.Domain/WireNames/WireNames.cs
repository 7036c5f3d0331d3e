using System.Collections.Frozen;
using System.Reflection;

namespace Certctl.Domain;

/// <summary>The one mapping between an enum's members and the strings stored in rows and JSON.</summary>
/// <remarks>
/// Parsing ignores case so legacy lower-case rows (the original's seeds wrote <c>online</c>) still read;
/// writing always produces the canonical spelling. Numeric strings are never accepted as names.
/// </remarks>
public static class WireNames<TEnum> where TEnum : struct, Enum
{
    private static readonly FrozenDictionary<TEnum, string> NameByValue = BuildNames();

    private static readonly FrozenDictionary<string, TEnum> ValueByName =
        NameByValue.ToFrozenDictionary(pair => pair.Value, pair => pair.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every defined member, in value order.</summary>
    public static IReadOnlyList<TEnum> Values { get; } = Enum.GetValues<TEnum>();

    public static string ToWire(TEnum value) =>
        NameByValue.TryGetValue(value, out var name)
            ? name
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(TEnum).Name} has no member with this value.");

    public static bool TryParse(string? wire, out TEnum value)
    {
        if (wire is not null && ValueByName.TryGetValue(wire, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    public static TEnum Parse(string wire) =>
        TryParse(wire, out var value)
            ? value
            : throw new FormatException($"'{wire}' is not a {typeof(TEnum).Name}.");

    private static FrozenDictionary<TEnum, string> BuildNames()
    {
        var names = new Dictionary<TEnum, string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var value = (TEnum)field.GetValue(null)!;
            var name = field.GetCustomAttribute<WireNameAttribute>()?.Name ?? field.Name;

            // Two members that differ only in case could not be told apart by the case-insensitive parse.
            if (!seen.Add(name))
            {
                throw new InvalidOperationException($"{typeof(TEnum).Name} has two members named '{name}' on the wire.");
            }

            names.Add(value, name);
        }

        return names.ToFrozenDictionary();
    }
}
