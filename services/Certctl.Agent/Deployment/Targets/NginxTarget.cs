namespace Certctl.Agent.Deployment.Targets;

/// <summary>
/// NGINX: <c>cert_path</c> gets the full chain (what <c>ssl_certificate</c> wants), <c>key_path</c> the key (0640), and an
/// optional <c>chain_path</c> the chain alone; validate <c>nginx -t</c>, reload <c>nginx -s reload</c> unless configured.
/// </summary>
public sealed class NginxTarget : ITargetAdapter
{
    public string TargetType => "NGINX";

    public DeploymentPlan Plan(TargetConfig config, CertificateMaterial material)
    {
        var files = new List<DeploymentFile>
        {
            FileModes.File(config, "cert", config.PathValue("cert_path") ?? throw Missing("cert_path"), material.FullChainPem, FileModes.Certificate),
            FileModes.File(config, "key", config.PathValue("key_path") ?? throw Missing("key_path"), material.KeyPem, FileModes.GroupReadableKey),
        };
        if (config.PathValue("chain_path") is { } chainPath && material.ChainPem.Length > 0)
        {
            files.Add(FileModes.File(config, "chain", chainPath, material.ChainPem, FileModes.Certificate));
        }

        return new DeploymentPlan(files, config.Text("validate_command") ?? "nginx -t", config.Text("reload_command") ?? "nginx -s reload",
            config.Integer("backup_retention"));
    }

    private TargetConfigException Missing(string key) => new($"{TargetType} target_config needs '{key}'.");
}
