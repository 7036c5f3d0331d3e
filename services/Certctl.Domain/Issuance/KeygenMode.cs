namespace Certctl.Domain;

/// <summary>Where the private key of a new certificate is generated.</summary>
public enum KeygenMode
{
    /// <summary>On the agent's host; the key never leaves it and the server only sees a CSR.</summary>
    [WireName("agent")]
    Agent,

    /// <summary>By the CA connector; for demos only, since the key then exists off the host.</summary>
    [WireName("server")]
    Server,
}
