using Certctl.AgentIngest.Auth;
using Certctl.AgentIngest.Problems;
using Certctl.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Certctl.AgentIngest.Registration;

/// <summary>
/// <c>POST /api/v1/agents</c>: a host registers with the bootstrap token and receives its agent id and per-agent token once (audit <c>agent_registered</c>).
/// </summary>
public static class RegistrationEndpoint
{
    /// <summary>The reference's bound on agent names.</summary>
    public const int MaxNameLength = 128;

    public static async Task<Results<Created<RegisteredAgent>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegistrationRequest? body, HttpRequest request, IOptions<AgentIngestOptions> options, IdGenerator ids, TimeProvider time,
        NpgsqlDataSource db, CancellationToken cancellationToken)
    {
        if (options.Value.BootstrapToken is { Length: > 0 } bootstrap
            && (AgentToken.FromAuthorization(request.Headers.Authorization) is not { } presented || !AgentToken.SecretsEqual(presented, bootstrap)))
        {
            request.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem("Registration needs the bootstrap token as the bearer token.", statusCode: StatusCodes.Status401Unauthorized,
                title: "invalid_or_missing_bootstrap_token");
        }

        var errors = new FieldErrors()
            .Required("name", body?.Name).Text("name", body?.Name, MaxNameLength)
            .Required("hostname", body?.Hostname).Text("hostname", body?.Hostname)
            .Text("os", body?.Os).Text("architecture", body?.Architecture).Text("ip_address", body?.IpAddress).Text("version", body?.Version);
        if (errors.HasErrors)
        {
            return errors.ToProblem();
        }

        var token = AgentToken.Generate();
        var now = time.GetUtcNow();
        var agent = new RegisteredAgent(
            ids.NewId(IdPrefix.Agent), body!.Name!.Trim(), body.Hostname!.Trim(), AgentTransitions.Initial.ToWire(), body.Os ?? string.Empty,
            body.Architecture ?? string.Empty, body.IpAddress ?? string.Empty, body.Version ?? string.Empty, now, now, token);
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            INSERT INTO agents (id, name, hostname, status, token_hash, last_heartbeat_at, os, architecture, ip_address, version,
                                registered_at, created_at, updated_at)
            VALUES (@id, @name, @hostname, @status, @token_hash, @now, @os, @architecture, @ip_address, @version, @now, @now, @now)
            ON CONFLICT (name) DO NOTHING
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("id", agent.Id));
        command.Parameters.Add(new NpgsqlParameter<string>("name", agent.Name));
        command.Parameters.Add(new NpgsqlParameter<string>("hostname", agent.Hostname));
        command.Parameters.Add(new NpgsqlParameter<string>("status", agent.Status));
        command.Parameters.Add(new NpgsqlParameter<byte[]>("token_hash", AgentToken.Hash(token)));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<string>("os", agent.Os));
        command.Parameters.Add(new NpgsqlParameter<string>("architecture", agent.Architecture));
        command.Parameters.Add(new NpgsqlParameter<string>("ip_address", agent.IpAddress));
        command.Parameters.Add(new NpgsqlParameter<string>("version", agent.Version));
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return TypedResults.Problem($"An agent named '{agent.Name}' is already registered.", statusCode: StatusCodes.Status409Conflict,
                title: "Agent name taken");
        }

        await AgentAudit.WriteAsync(connection, transaction, agent.Id, "agent_registered", "agent", agent.Id,
            new { name = agent.Name, hostname = agent.Hostname, os = agent.Os, version = agent.Version }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/agents/{agent.Id}", agent);
    }
}
