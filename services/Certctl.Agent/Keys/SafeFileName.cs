using System.Text.RegularExpressions;

namespace Certctl.Agent.Keys;

/// <summary>Checks that an id from the server can name a file: it must not climb out of, or into another, folder.</summary>
public static partial class SafeFileName
{
    /// <summary><paramref name="id"/> itself, when it is a plain file name; otherwise an <see cref="ArgumentException"/>.</summary>
    public static string For(string id)
    {
        if (string.IsNullOrEmpty(id) || id is "." or ".." || id.Length > 200 || !Allowed().IsMatch(id))
        {
            throw new ArgumentException($"'{id}' is not a usable certificate id (letters, digits, '.', '_' and '-' only).", nameof(id));
        }

        return id;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Allowed();
}
