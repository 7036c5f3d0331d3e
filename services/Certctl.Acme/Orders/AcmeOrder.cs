using Certctl.Acme.Problems;
using Certctl.Acme.Protocol;

namespace Certctl.Acme.Orders;

/// <summary>An order row with the ids of its authorizations (in creation order).</summary>
/// <param name="Replaces">The RFC 9773 ARI certificate id this order renews, as the client sent it.</param>
/// <param name="AwaitingApproval">The order is processing and its issuance job waits for an operator's approval.</param>
public sealed record AcmeOrder(
    string Id,
    string AccountId,
    string ProfileId,
    string Status,
    IReadOnlyList<AcmeIdentifier> Identifiers,
    DateTimeOffset? NotBefore,
    DateTimeOffset? NotAfter,
    DateTimeOffset ExpiresAt,
    AcmeProblem? Error,
    string? CertificateId,
    string? Replaces,
    IReadOnlyList<string> AuthorizationIds,
    bool AwaitingApproval = false);
