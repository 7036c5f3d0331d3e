namespace Certctl.Domain;

/// <summary>An agent's health as last seen by heartbeats; retirement is a separate flag, not a status.</summary>
public enum AgentStatus
{
    Online,
    Offline,
    Degraded,
}
