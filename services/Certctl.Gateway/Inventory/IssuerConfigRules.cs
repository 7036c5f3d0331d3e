using System.Text.Json.Nodes;
using Certctl.Domain;
using Certctl.Gateway.Problems;

namespace Certctl.Gateway.Inventory;

/// <summary>Per-type checks of an issuer's configuration, so an issuer the CA connector could not use is refused at the API.</summary>
public static class IssuerConfigRules
{
    /// <summary>Adds a <c>config</c> error when <paramref name="config"/> breaks the rules of <paramref name="type"/> (the stored type name).</summary>
    public static FieldErrors IssuerConfig(this FieldErrors errors, string? type, JsonObject config)
    {
        if (type == "ACME" && AcmeIssuerConfiguration.TryRead(config.ToJsonString(), out _) is { } problem)
        {
            errors.Add("config", problem);
        }

        return errors;
    }
}
