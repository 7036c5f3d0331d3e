namespace Certctl.Domain;

/// <summary>The legal status changes of an agent: any status may follow any other, none is final.</summary>
/// <remarks>Staying in a status is not a transition; a heartbeat from an Online agent changes nothing.</remarks>
public static class AgentTransitions
{
    /// <summary>Registration is itself a sign of life.</summary>
    public const AgentStatus Initial = AgentStatus.Online;

    public static TransitionTable<AgentStatus> Table { get; } = new("agent",
    [
        (AgentStatus.Online, AgentStatus.Offline),
        (AgentStatus.Offline, AgentStatus.Online),
        (AgentStatus.Online, AgentStatus.Degraded),
        (AgentStatus.Degraded, AgentStatus.Online),
        (AgentStatus.Offline, AgentStatus.Degraded),
        (AgentStatus.Degraded, AgentStatus.Offline),
    ]);

    public static bool CanTransition(AgentStatus from, AgentStatus to) => Table.CanTransition(from, to);

    public static void EnsureTransition(AgentStatus from, AgentStatus to) => Table.EnsureTransition(from, to);
}
