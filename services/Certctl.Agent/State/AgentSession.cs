using Certctl.Agent.Client;
using Certctl.Agent.Options;
using Microsoft.Extensions.Options;

namespace Certctl.Agent.State;

/// <summary>
/// The agent's identity for every loop: provisioned by configuration (<c>CERTCTL_AGENT_ID</c> and <c>CERTCTL_AGENT_TOKEN</c>),
/// loaded from the state folder, or obtained by registering once when that state is absent. Registration is serialised so the heartbeat and the work poll never register twice.
/// </summary>
public sealed class AgentSession(
    IAgentApi api,
    AgentStateStore store,
    HostFacts host,
    IOptions<AgentOptions> options,
    TimeProvider time,
    ILogger<AgentSession> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile AgentCredentials? _credentials;

    /// <summary>The credentials once known; null before the first successful <see cref="EnsureRegisteredAsync"/>.</summary>
    public AgentCredentials? Credentials => _credentials;

    /// <summary>The stored credentials, registering first when this host has none.</summary>
    public async Task<AgentCredentials> EnsureRegisteredAsync(CancellationToken cancellationToken)
    {
        if (_credentials is { } known)
        {
            return known;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_credentials is { } raced)
            {
                return raced;
            }

            if (options.Value.IsProvisioned)
            {
                var provisioned = new AgentCredentials(
                    options.Value.ProvisionedId!.Trim(), options.Value.ProvisionedToken!.Trim(), options.Value.ServerUrl, time.GetUtcNow());
                logger.LogInformation("Agent {AgentId} provisioned by CERTCTL_AGENT_ID; not registering", provisioned.AgentId);
                return _credentials = provisioned;
            }

            var stored = store.Load();
            if (stored is not null)
            {
                logger.LogInformation("Agent {AgentId} loaded from {StateFile}", stored.AgentId, store.FilePath);
                return _credentials = stored;
            }

            return _credentials = await RegisterAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<AgentCredentials> RegisterAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var request = new RegistrationRequest(settings.AgentName, host.Hostname, host.Os, host.Architecture, host.IpAddress(), HostFacts.AgentVersion);
        var registered = await api.RegisterAsync(request, settings.BootstrapToken ?? "", cancellationToken);
        if (string.IsNullOrWhiteSpace(registered.Id) || string.IsNullOrWhiteSpace(registered.ApiKey))
        {
            throw new InvalidOperationException("The server registered the agent but returned no id and token.");
        }

        var credentials = new AgentCredentials(registered.Id, registered.ApiKey, settings.ServerUrl, time.GetUtcNow());
        store.Save(credentials);
        logger.LogInformation("Registered as agent {AgentId}; credentials kept in {StateFile}", credentials.AgentId, store.FilePath);
        return credentials;
    }
}
