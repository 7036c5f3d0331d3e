namespace Certctl.AgentIngest.Auth;

/// <summary>What the database said about an agent id when it was read: its token hash (null before enrolment) and whether it is retired; <see cref="Exists"/> false for an unknown id.</summary>
public sealed record AgentCredential(bool Exists, byte[]? TokenHash, bool Retired, DateTimeOffset ReadAt);
