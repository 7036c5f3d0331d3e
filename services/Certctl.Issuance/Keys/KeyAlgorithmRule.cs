namespace Certctl.Issuance;

/// <summary>One entry of a profile's <c>allowed_key_algorithms</c>: this algorithm, at least this many bits.</summary>
public sealed record KeyAlgorithmRule(KeyAlgorithm Algorithm, int MinSize)
{
    public bool Allows(KeySpec key) => key.Algorithm == Algorithm && key.Size >= MinSize;

    public override string ToString() => $"{Algorithm} >= {MinSize}";
}
