namespace Certctl.Agent.Deployment.Targets;

/// <summary>The target types this agent deploys to, by <c>target_type</c>.</summary>
public sealed class TargetAdapters(IEnumerable<ITargetAdapter> adapters)
{
    private readonly Dictionary<string, ITargetAdapter> _byType = adapters.ToDictionary(adapter => adapter.TargetType, StringComparer.OrdinalIgnoreCase);

    /// <summary>The adapter for <paramref name="targetType"/>; "unsupported target type" otherwise.</summary>
    public ITargetAdapter For(string? targetType) =>
        targetType is not null && _byType.TryGetValue(targetType.Trim(), out var adapter)
            ? adapter
            : throw new TargetConfigException($"unsupported target type '{targetType}' (this agent deploys to {string.Join(", ", _byType.Keys.Order())})");
}
