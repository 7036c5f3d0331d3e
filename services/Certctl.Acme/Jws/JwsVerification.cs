using System.Text.Json;
using Certctl.Acme.Accounts;
using Certctl.Acme.Problems;

namespace Certctl.Acme.Jws;

/// <summary>The outcome of the JWS pipeline: a problem, or the verified request's account (kid) or key (jwk) and payload.</summary>
public sealed class JwsVerification
{
    private JwsVerification(AcmeProblem? problem, FlattenedJws? jws, AcmeAccount? account, Jwk? key, JsonElement? payload)
    {
        Problem = problem;
        Jws = jws;
        Account = account;
        Key = key;
        Payload = payload;
    }

    public AcmeProblem? Problem { get; }

    public FlattenedJws? Jws { get; }

    public AcmeAccount? Account { get; }

    /// <summary>The verification key: the account's, or the embedded <c>jwk</c>.</summary>
    public Jwk? Key { get; }

    /// <summary>The payload object; null for POST-as-GET (empty payload).</summary>
    public JsonElement? Payload { get; }

    public static JwsVerification Failed(AcmeProblem problem) => new(problem, null, null, null, null);

    public static JwsVerification Verified(FlattenedJws jws, AcmeAccount? account, Jwk key, JsonElement? payload) => new(null, jws, account, key, payload);
}
