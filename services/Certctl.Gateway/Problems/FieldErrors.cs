using Microsoft.AspNetCore.Http.HttpResults;

namespace Certctl.Gateway.Problems;

/// <summary>Collects field errors of a request and answers them as one RFC 7807 validation problem (400 with <c>errors</c>).</summary>
/// <example><code>
/// var errors = new FieldErrors().Required("name", body.Name).MaxLength("name", body.Name, 255);
/// if (errors.HasErrors) return errors.ToProblem();
/// </code></example>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    /// <summary>True once any field has an error.</summary>
    public bool HasErrors => _errors.Count > 0;

    /// <summary>Adds an error to a field (snake_case, as the client sent it).</summary>
    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
        return this;
    }

    /// <summary>Adds <paramref name="message"/> when <paramref name="failed"/> is true.</summary>
    public FieldErrors AddIf(bool failed, string field, string message) => failed ? Add(field, message) : this;

    /// <summary>The field must be present and not blank.</summary>
    public FieldErrors Required(string field, string? value) => AddIf(string.IsNullOrWhiteSpace(value), field, "is required");

    /// <summary>The field, when present, must be at most <paramref name="max"/> characters.</summary>
    public FieldErrors MaxLength(string field, string? value, int max) =>
        AddIf(value is not null && value.Length > max, field, $"must be at most {max} characters");

    /// <summary>The field must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public FieldErrors Range(string field, long value, long min, long max) =>
        AddIf(value < min || value > max, field, $"must be between {min} and {max}");

    /// <summary>The errors as the field → messages map of a validation problem.</summary>
    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>The 400 validation problem to return from an endpoint.</summary>
    public ValidationProblem ToProblem() => TypedResults.ValidationProblem(ToDictionary(), title: DomainProblemException.ValidationTitle);

    /// <summary>Throws the validation problem when there are errors; for code that cannot return a result.</summary>
    public void ThrowIfAny()
    {
        if (HasErrors)
        {
            throw DomainProblemException.Validation(ToDictionary());
        }
    }
}
