using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Certctl.Gateway.Problems;

/// <summary>Maps the Postgres errors a client's input can cause to 4xx problems; anything else stays a server fault.</summary>
public static class PostgresProblems
{
    /// <summary>The problem for <paramref name="exception"/>, or null when it is not the client's doing.</summary>
    public static ProblemDetails? TryMap(PostgresException exception) => exception.SqlState switch
    {
        PostgresErrorCodes.UniqueViolation => Problem(exception, StatusCodes.Status409Conflict, "Conflict",
            $"Conflicts with an existing {Table(exception)} row{Constraint(exception)}."),
        PostgresErrorCodes.ForeignKeyViolation when IsStillReferenced(exception) => Problem(exception, StatusCodes.Status409Conflict, "Still referenced",
            $"The row is still referenced{Constraint(exception)}; remove or reassign what refers to it first."),
        PostgresErrorCodes.ForeignKeyViolation => Problem(exception, StatusCodes.Status422UnprocessableEntity, "Unknown reference",
            ForeignKeyColumn(exception) is { } column
                ? $"{column} refers to something that does not exist."
                : $"A reference points to something that does not exist{Constraint(exception)}."),
        PostgresErrorCodes.CheckViolation => Problem(exception, StatusCodes.Status422UnprocessableEntity, "Invalid value",
            $"A value is not allowed{Constraint(exception)}."),
        PostgresErrorCodes.NotNullViolation => Problem(exception, StatusCodes.Status422UnprocessableEntity, "Missing value",
            exception.ColumnName is { } column ? $"{column} is required." : "A required value is missing."),
        PostgresErrorCodes.InvalidTextRepresentation => Problem(exception, StatusCodes.Status400BadRequest, "Invalid value", exception.MessageText),
        // Class 22 is "data exception": a value the client sent does not fit its column (too long, out of range, bad date).
        { } state when state.StartsWith("22", StringComparison.Ordinal) => Problem(exception, StatusCodes.Status400BadRequest, "Invalid value", exception.MessageText),
        _ => null,
    };

    // Postgres names a column's foreign key <table>_<column>_fkey unless told otherwise; Detail, which names the key,
    // is redacted by Npgsql unless "Include Error Detail" is on, so the constraint name is the reliable source.
    private static string? ForeignKeyColumn(PostgresException exception)
    {
        var constraint = exception.ConstraintName;
        var prefix = exception.TableName + "_";
        const string suffix = "_fkey";
        if (constraint is null || exception.TableName is null
            || !constraint.StartsWith(prefix, StringComparison.Ordinal) || !constraint.EndsWith(suffix, StringComparison.Ordinal)
            || constraint.Length <= prefix.Length + suffix.Length)
        {
            return null;
        }

        return constraint[prefix.Length..^suffix.Length];
    }

    // A DELETE (or key UPDATE) of a row others point to: the client's request is valid, the state forbids it.
    private static bool IsStillReferenced(PostgresException exception) =>
        exception.MessageText.StartsWith("update or delete on table", StringComparison.Ordinal);

    private static string Table(PostgresException exception) => exception.TableName is { Length: > 0 } table ? table : "stored";

    private static string Constraint(PostgresException exception) =>
        exception.ConstraintName is { Length: > 0 } name ? $" (constraint {name})" : string.Empty;

    private static ProblemDetails Problem(PostgresException exception, int status, string title, string detail)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (exception.ConstraintName is { Length: > 0 } constraint)
        {
            problem.Extensions["constraint"] = constraint;
        }

        if ((exception.ColumnName ?? ForeignKeyColumn(exception)) is { } column)
        {
            problem.Extensions["column"] = column;
        }

        return problem;
    }
}
