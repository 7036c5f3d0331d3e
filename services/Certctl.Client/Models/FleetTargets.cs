using System.Text.Json.Nodes;

namespace Certctl.Client.Models;

/// <summary>A deployment target; <c>Config</c> is redacted (secrets show as <c>********</c>).</summary>
public sealed record DeploymentTarget(
    string Id,
    string Name,
    string Type,
    string AgentId,
    JsonObject Config,
    bool Enabled,
    DateTimeOffset? LastTestedAt,
    string TestStatus,
    string Source,
    DateTimeOffset? RetiredAt,
    string? RetiredReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of a target create (id optional) or replace; a <c>********</c> value on replace keeps the stored secret.</summary>
public sealed record DeploymentTargetRequest(string? Name, string? Type, string? AgentId, JsonObject? Config = null, bool? Enabled = null, string? Id = null);
