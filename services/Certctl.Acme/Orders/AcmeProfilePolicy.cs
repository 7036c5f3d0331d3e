using System.Text.RegularExpressions;
using Certctl.Issuance;

namespace Certctl.Acme.Orders;

/// <summary>What a certificate profile decides for ACME orders: the auth mode, the SSRF opt-in, the name patterns, the key rules and the approval gate.</summary>
/// <param name="RequiredNamePatterns">When not empty, every identifier must match one of these (<c>required_san_patterns</c>).</param>
/// <param name="RequiresApproval">An operator must approve each issuance (<c>requires_approval</c>) before the CA is asked.</param>
public sealed record AcmeProfilePolicy(
    string ProfileId,
    AcmeAuthMode AuthMode,
    bool AllowPrivateAddresses,
    IReadOnlyList<Regex> RequiredNamePatterns,
    IssuanceProfile Issuance,
    bool RequiresApproval = false);
