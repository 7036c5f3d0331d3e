using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Certctl.LoadTest.Agents;

/// <summary>
/// The simulated fleet of <c>seed agent_storm</c> and the <c>agent_storm</c> scenario: agent number n (1-based) is
/// <c>ag-loadtest-agent-{n:D5}</c>, named <c>loadtest-agent-{n:D5}</c>, and its token is derived from a secret both sides
/// know (<c>CERTCTL_LOADTEST_AGENT_SECRET</c>), so the seed can store the token hashes and the driver can present the tokens
/// without either writing tokens anywhere.
/// </summary>
public static class AgentFleet
{
    /// <summary>The fixture and scenario name.</summary>
    public const string Name = "agent_storm";

    /// <summary>Where both sides read the secret from when it is not given on the command line.</summary>
    public const string SecretVariable = "CERTCTL_LOADTEST_AGENT_SECRET";

    public const string NamePrefix = "loadtest-agent-";
    public const string IdPrefix = "ag-" + NamePrefix;
    public const int DefaultCount = 5000;
    public const int Digits = 5;
    public const int MaxCount = 99_999;

    /// <summary>Shortest secret accepted: it is the only thing between anyone and these agents' tokens.</summary>
    public const int MinSecretLength = 32;

    /// <summary>Heartbeats of the seeded fleet are spread over this window before the seed time.</summary>
    public static readonly TimeSpan HeartbeatSpread = TimeSpan.FromSeconds(60);

    public static string IdOf(int n) => IdPrefix + Number(n);

    public static string NameOf(int n) => NamePrefix + Number(n);

    /// <summary>The OS of agent n, 80 % linux, 10 % windows, 10 % darwin, interleaved by <c>(n × 37) mod 100</c> like the certificate mix.</summary>
    public static string OsOf(int n) => (int)((long)n * 37 % 100) switch
    {
        < 80 => "linux",
        < 90 => "windows",
        _ => "darwin",
    };

    /// <summary>The token of <paramref name="agentId"/>: base64url of HMAC-SHA256(secret, id), 43 characters like a real one.</summary>
    public static string TokenOf(string secret, string agentId) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(agentId)));

    /// <summary>What the server keeps for a token (<c>agents.token_hash</c>).</summary>
    public static byte[] TokenHash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The secret from <paramref name="given"/> or the environment; a usage error when there is none or it is short.</summary>
    public static string RequireSecret(string? given, Func<string, string?>? environment = null)
    {
        var secret = string.IsNullOrWhiteSpace(given) ? (environment ?? Environment.GetEnvironmentVariable)(SecretVariable) : given;
        if (string.IsNullOrWhiteSpace(secret))
        {
            throw new UsageException($"{Name} needs the fleet's token secret: set {SecretVariable} (e.g. `export {SecretVariable}=$(openssl rand -hex 32)`) for both seed and run.");
        }

        return secret.Length >= MinSecretLength
            ? secret.Trim()
            : throw new UsageException($"{SecretVariable} must be at least {MinSecretLength} characters.");
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture).PadLeft(Digits, '0');
}
