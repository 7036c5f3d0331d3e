using Microsoft.AspNetCore.Mvc;

namespace Certctl.Gateway.Problems;

/// <summary>A client-caused failure an endpoint throws; the exception handler answers it as an RFC 7807 problem.</summary>
public sealed class DomainProblemException : Exception
{
    /// <summary>Creates a problem with the given status, title, detail and optional type URI.</summary>
    public DomainProblemException(int status, string title, string detail, string? type = null)
        : this(status, title, detail, type, errors: null)
    {
    }

    private DomainProblemException(int status, string title, string detail, string? type, IReadOnlyDictionary<string, string[]>? errors)
        : base(detail)
    {
        if (status is < 400 or > 499)
        {
            // Server faults are not client problems; they stay exceptions and become 500s.
            throw new ArgumentOutOfRangeException(nameof(status), status, "A domain problem is a 4xx client error.");
        }

        Status = status;
        Title = title;
        Detail = detail;
        Type = type;
        Errors = errors;
    }

    /// <summary>The HTTP status (4xx).</summary>
    public int Status { get; }

    /// <summary>Short, human-readable summary of the problem type.</summary>
    public string Title { get; }

    /// <summary>What went wrong with this request.</summary>
    public string Detail { get; }

    /// <summary>A URI identifying the problem type, or null for the status's default.</summary>
    public string? Type { get; }

    /// <summary>Field errors (field name → messages) for a validation problem, or null.</summary>
    public IReadOnlyDictionary<string, string[]>? Errors { get; }

    /// <summary>A 400 validation problem for one field, shaped like <c>TypedResults.ValidationProblem</c>.</summary>
    public static DomainProblemException Validation(string field, string message) =>
        Validation(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] });

    /// <summary>A 400 validation problem with field errors, shaped like <c>TypedResults.ValidationProblem</c>.</summary>
    public static DomainProblemException Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, ValidationTitle, DescribeFields(errors), type: null, errors);

    /// <summary>The problem document this exception stands for.</summary>
    public ProblemDetails ToProblemDetails()
    {
        ProblemDetails problem = Errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(Errors.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal));
        problem.Status = Status;
        problem.Title = Title;
        problem.Detail = Detail;
        problem.Type = Type;
        return problem;
    }

    internal const string ValidationTitle = "One or more validation errors occurred.";

    private static string DescribeFields(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join(" ", errors.SelectMany(pair => pair.Value.Select(message => $"{pair.Key}: {message}")));
}
