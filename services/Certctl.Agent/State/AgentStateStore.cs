using System.Text.Json;
using Certctl.Agent.Client;
using Certctl.Agent.Options;
using Certctl.Agent.Platform;
using Microsoft.Extensions.Options;

namespace Certctl.Agent.State;

/// <summary>Keeps <see cref="AgentCredentials"/> in <c>&lt;state dir&gt;/agent.json</c>: file 0600 in a 0700 folder.</summary>
public sealed class AgentStateStore(IOptions<AgentOptions> options)
{
    /// <summary>The state file's name inside the state folder.</summary>
    public const string FileName = "agent.json";

    /// <summary>Where the credentials live.</summary>
    public string FilePath => Path.Combine(options.Value.StateDirectory, FileName);

    /// <summary>The stored credentials, or null when this host has not registered yet.</summary>
    public AgentCredentials? Load()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        // The token is a secret: a state folder others can read is tightened before the token is used again.
        PrivateFolder.Ensure(options.Value.StateDirectory);
        if (File.GetUnixFileMode(FilePath) != PrivateFolder.SecretFileMode)
        {
            File.SetUnixFileMode(FilePath, PrivateFolder.SecretFileMode);
        }

        var credentials = JsonSerializer.Deserialize<AgentCredentials>(File.ReadAllBytes(FilePath), AgentJson.Options);
        if (credentials is null || string.IsNullOrWhiteSpace(credentials.AgentId) || string.IsNullOrWhiteSpace(credentials.Token))
        {
            throw new InvalidDataException($"{FilePath} holds no agent id and token; remove it to register again.");
        }

        return credentials;
    }

    /// <summary>Writes the credentials atomically, mode 0600.</summary>
    public void Save(AgentCredentials credentials) =>
        PrivateFolder.WriteSecret(FilePath, JsonSerializer.SerializeToUtf8Bytes(credentials, AgentJson.Options));
}
