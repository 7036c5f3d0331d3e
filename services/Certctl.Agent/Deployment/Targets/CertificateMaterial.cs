namespace Certctl.Agent.Deployment.Targets;

/// <summary>What a target receives: the leaf, the chain (possibly empty) and the host's private key, all PEM.</summary>
public sealed record CertificateMaterial(string LeafPem, string ChainPem, string KeyPem)
{
    /// <summary>Leaf then chain, as servers want their certificate file.</summary>
    public string FullChainPem => ChainPem.Length == 0 ? LeafPem : LeafPem + ChainPem;

    /// <summary>Splits the server's pickup value: the first PEM block is the leaf, everything after it the chain.</summary>
    public static (string Leaf, string Chain) Split(string certificatePem)
    {
        const string end = "-----END CERTIFICATE-----";
        var at = certificatePem.IndexOf(end, StringComparison.Ordinal);
        if (at < 0)
        {
            throw new FormatException("The certificate from the server holds no PEM certificate.");
        }

        var leaf = certificatePem[..(at + end.Length)].Trim() + "\n";
        var chain = certificatePem[(at + end.Length)..].Trim();
        return (leaf, chain.Length == 0 ? "" : chain + "\n");
    }
}
