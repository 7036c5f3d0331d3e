namespace Certctl.Domain;

/// <summary>Thrown when a status change is not one the entity's state machine allows.</summary>
/// <remarks>Carries wire names so the edge can report it as a conflict without knowing the enum type.</remarks>
public sealed class IllegalTransitionException : InvalidOperationException
{
    public IllegalTransitionException(string entity, string? from, string to, string? detail = null)
        : base(Describe(entity, from, to, detail))
    {
        Entity = entity;
        From = from;
        To = to;
    }

    /// <summary>The kind of row, such as <c>job</c> or <c>certificate</c>.</summary>
    public string Entity { get; }

    /// <summary>The current status, or null when the row is being created.</summary>
    public string? From { get; }

    public string To { get; }

    private static string Describe(string entity, string? from, string to, string? detail)
    {
        var move = from is null ? $"cannot create a {entity} as {to}" : $"cannot move a {entity} from {from} to {to}";
        return detail is null ? move : $"{move}: {detail}";
    }
}
