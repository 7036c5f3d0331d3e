using System.Text;

namespace Certctl.Domain;

/// <summary>
/// Generated ids (<see cref="EntityId"/> layout) made inside an <c>INSERT … SELECT</c>, so a set-based insert needs no round trip to
/// fetch ids: the 10-character millisecond part comes from the caller, the 80 random bits from 16 <c>random()</c> draws per row
/// (a plain expression, not a subquery, which Postgres would evaluate once for all rows).
/// </summary>
public static class SqlEntityIds
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>
    /// A SQL expression for one id per evaluated row; <paramref name="timestampParameter"/> names a text parameter holding
    /// <see cref="TimestampPart"/>. Ids made by one statement share the millisecond, so they do not sort among themselves.
    /// </summary>
    public static string Expression(string prefix, string timestampParameter)
    {
        if (!EntityId.IsValidPrefix(prefix))
        {
            throw new ArgumentException($"'{prefix}' is not an id prefix.", nameof(prefix));
        }

        var sql = new StringBuilder($"('{prefix}-' || @{timestampParameter}");
        for (var i = 0; i < 16; i++)
        {
            sql.Append($" || substr('{Alphabet}', floor(random() * 32)::int + 1, 1)");
        }

        return sql.Append(')').ToString();
    }

    /// <summary>The 10 leading characters of an id made at <paramref name="now"/> (48 bits of Unix milliseconds).</summary>
    public static string TimestampPart(DateTimeOffset now)
    {
        var milliseconds = now.ToUnixTimeMilliseconds();
        Span<char> chars = stackalloc char[10];
        for (var i = 9; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(milliseconds & 31)];
            milliseconds >>= 5;
        }

        return new string(chars);
    }
}
