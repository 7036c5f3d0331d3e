using System.Collections.Frozen;

namespace Certctl.Domain;

/// <summary>A state machine written down as its legal edges, so the rules are data a test can read.</summary>
public sealed class TransitionTable<TStatus> where TStatus : struct, Enum
{
    private static readonly FrozenSet<TStatus> NoExits = FrozenSet<TStatus>.Empty;

    private readonly FrozenDictionary<TStatus, FrozenSet<TStatus>> _exits;

    public TransitionTable(string entity, IEnumerable<(TStatus From, TStatus To)> edges)
    {
        Entity = entity;
        Edges = edges.Distinct().ToArray();
        _exits = Edges
            .GroupBy(edge => edge.From)
            .ToFrozenDictionary(group => group.Key, group => group.Select(edge => edge.To).ToFrozenSet());
    }

    /// <summary>The kind of row this table governs, used in error messages.</summary>
    public string Entity { get; }

    public IReadOnlyList<(TStatus From, TStatus To)> Edges { get; }

    public bool CanTransition(TStatus from, TStatus to) =>
        _exits.TryGetValue(from, out var targets) && targets.Contains(to);

    public void EnsureTransition(TStatus from, TStatus to)
    {
        if (!CanTransition(from, to))
        {
            throw new IllegalTransitionException(Entity, from.ToWire(), to.ToWire());
        }
    }

    public IReadOnlySet<TStatus> ExitsFrom(TStatus from) =>
        _exits.TryGetValue(from, out var targets) ? targets : NoExits;

    public bool IsTerminal(TStatus status) => ExitsFrom(status).Count == 0;
}
