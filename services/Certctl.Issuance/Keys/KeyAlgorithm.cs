using Certctl.Domain;

namespace Certctl.Issuance;

/// <summary>A public-key algorithm, spelled on the wire as certificate profiles spell it.</summary>
public enum KeyAlgorithm
{
    [WireName("RSA")]
    Rsa,

    [WireName("ECDSA")]
    Ecdsa,

    /// <summary>Profiles may list it, but the local CA issues none: .NET cannot verify an Ed25519 CSR's signature.</summary>
    [WireName("Ed25519")]
    Ed25519,
}
