namespace Certctl.Agent.Deployment.Targets;

/// <summary>
/// Apache httpd: <c>cert_path</c> (leaf), <c>chain_path</c> (chain, when both exist) and <c>key_path</c> (0600); validate
/// <c>apachectl configtest</c>, reload <c>apachectl graceful</c> unless configured.
/// </summary>
public sealed class ApacheTarget : ITargetAdapter
{
    public string TargetType => "Apache";

    public DeploymentPlan Plan(TargetConfig config, CertificateMaterial material)
    {
        var files = new List<DeploymentFile>
        {
            FileModes.File(config, "cert", config.PathValue("cert_path") ?? throw Missing("cert_path"), material.LeafPem, FileModes.Certificate),
            FileModes.File(config, "key", config.PathValue("key_path") ?? throw Missing("key_path"), material.KeyPem, FileModes.PrivateKey),
        };
        if (config.PathValue("chain_path") is { } chainPath && material.ChainPem.Length > 0)
        {
            files.Add(FileModes.File(config, "chain", chainPath, material.ChainPem, FileModes.Certificate));
        }

        return new DeploymentPlan(files, config.Text("validate_command") ?? "apachectl configtest", config.Text("reload_command") ?? "apachectl graceful",
            config.Integer("backup_retention"));
    }

    private TargetConfigException Missing(string key) => new($"{TargetType} target_config needs '{key}'.");
}
