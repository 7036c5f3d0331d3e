namespace Certctl.Gateway.Targets;

/// <summary>The deployment target types (the schema's CHECK list); clients may send any letter case.</summary>
public static class TargetTypes
{
    /// <summary>Every stored type name, comma-separated: a constant, so the OpenAPI description of <c>type</c> can carry it.</summary>
    public const string Names =
        "NGINX, Apache, HAProxy, PEMFolder, F5, IIS, Traefik, Caddy, Envoy, Postfix, Dovecot, SSH, " +
        "WinCertStore, JavaKeystore, KubernetesSecrets, AWSACM, AzureKeyVault";

    /// <summary>Every stored type name.</summary>
    public static readonly IReadOnlyList<string> All = Names.Split(", ");

    private static readonly Dictionary<string, string> Canonical = All.ToDictionary(type => type, type => type, StringComparer.OrdinalIgnoreCase);

    /// <summary>The stored type name for <paramref name="type"/>, or null when it is not a known type.</summary>
    public static string? Normalize(string? type) =>
        type is not null && Canonical.TryGetValue(type.Trim(), out var canonical) ? canonical : null;
}
