namespace Certctl.Agent.Deployment.Targets;

/// <summary>
/// A generic PEM folder for any other software: <c>cert.pem</c>, <c>chain.pem</c>, <c>fullchain.pem</c> and
/// <c>privkey.pem</c> (0600) in <c>directory</c>; validate and reload only when configured.
/// </summary>
public sealed class PemFolderTarget : ITargetAdapter
{
    public string TargetType => "PEMFolder";

    public DeploymentPlan Plan(TargetConfig config, CertificateMaterial material)
    {
        var folder = config.PathValue("directory") ?? throw new TargetConfigException($"{TargetType} target_config needs 'directory'.");
        return new DeploymentPlan(
        [
            FileModes.File(config, "cert", Path.Combine(folder, "cert.pem"), material.LeafPem, FileModes.Certificate),
            FileModes.File(config, "chain", Path.Combine(folder, "chain.pem"), material.ChainPem, FileModes.Certificate),
            FileModes.File(config, "fullchain", Path.Combine(folder, "fullchain.pem"), material.FullChainPem, FileModes.Certificate),
            FileModes.File(config, "key", Path.Combine(folder, "privkey.pem"), material.KeyPem, FileModes.PrivateKey),
        ], config.Text("validate_command"), config.Text("reload_command"), config.Integer("backup_retention"));
    }
}
