using Microsoft.AspNetCore.Http.HttpResults;

namespace Certctl.AgentIngest.Problems;

/// <summary>Collects per-field validation errors for one 400 validation problem.</summary>
internal sealed class FieldErrors
{
    // Metadata is shown to operators and written to TEXT columns: control characters (NUL above all) are refused.
    private const int DefaultMaxLength = 255;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool HasErrors => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
        return this;
    }

    public FieldErrors AddIf(bool condition, string field, string message) => condition ? Add(field, message) : this;

    public FieldErrors Required(string field, string? value) => AddIf(string.IsNullOrWhiteSpace(value), field, "is required");

    /// <summary>At most <paramref name="maxLength"/> characters and no control characters; null passes.</summary>
    public FieldErrors Text(string field, string? value, int maxLength = DefaultMaxLength)
    {
        if (value is null)
        {
            return this;
        }

        AddIf(value.Length > maxLength, field, $"must be at most {maxLength} characters");
        return AddIf(value.Any(char.IsControl), field, "must not contain control characters");
    }

    public ValidationProblem ToProblem() =>
        TypedResults.ValidationProblem(_errors.ToDictionary(entry => entry.Key, entry => entry.Value.ToArray()));
}
