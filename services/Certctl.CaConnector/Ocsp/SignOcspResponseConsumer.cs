using Certctl.CaConnector.Issuers;
using Certctl.CaConnector.Revocation;
using Certctl.Contracts;
using Certctl.Issuance;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Certctl.CaConnector.Ocsp;

/// <summary>
/// Answers an OCSP request for one issuer (RFC 6960): malformed bytes get <c>malformedRequest</c>, an issuer that is not an enabled
/// local CA gets <c>unauthorized</c>, and otherwise each CertID naming this CA is answered good, revoked (time and reason) or unknown
/// from the records, signed by the issuer's delegated responder, with the request's nonce echoed.
/// </summary>
public sealed class SignOcspResponseConsumer(
    IssuerRegistry issuers,
    OcspResponders responders,
    OcspStatusLookup lookup,
    IOptions<RevocationOptions> options,
    TimeProvider time,
    ILogger<SignOcspResponseConsumer> logger) : IConsumer<SignOcspResponse>
{
    public async Task Consume(ConsumeContext<SignOcspResponse> context)
    {
        var message = context.Message;
        if (!OcspRequest.TryParse(message.RequestDer, out var request))
        {
            await RespondErrorAsync(context, OcspResponseStatus.MalformedRequest);
            return;
        }

        LocalCertificateAuthority authority;
        try
        {
            authority = await issuers.GetLocalAuthorityAsync(message.IssuerId, context.CancellationToken);
        }
        catch (CertificateAuthorityException ex)
        {
            logger.LogDebug("OCSP for issuer {IssuerId} refused: {Message}", message.IssuerId, ex.Message);
            await RespondErrorAsync(context, OcspResponseStatus.Unauthorized);
            return;
        }

        var ca = authority.Ca;
        var ours = request!.CertIds.Where(id => id.NamesIssuer(ca.Certificate)).Select(id => id.SerialHex).ToList();
        var statuses = await lookup.LookUpAsync(message.IssuerId, ours, context.CancellationToken);
        var answers = request.CertIds
            .Select(id => id.NamesIssuer(ca.Certificate) && statuses.TryGetValue(id.SerialHex, out var found)
                ? new OcspCertAnswer(id, found.Status, found.RevokedAt, found.Reason)
                : new OcspCertAnswer(id, OcspCertStatus.Unknown))
            .ToList();

        var responder = await responders.GetAsync(message.IssuerId, ca, context.CancellationToken);
        var thisUpdate = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var nextUpdate = thisUpdate + options.Value.OcspResponseValidity;
        var der = responder.Sign(answers, request.NonceExtensionValue, thisUpdate, nextUpdate);
        var cacheable = request.NonceExtensionValue is null && answers.All(answer => answer.Status != OcspCertStatus.Unknown);
        await context.RespondAsync(new OcspResponseSigned(
            der, cacheable, nextUpdate, [.. answers.Where(answer => answer.Status == OcspCertStatus.Good).Select(answer => answer.CertId.SerialHex)]));
    }

    private static Task RespondErrorAsync(ConsumeContext<SignOcspResponse> context, OcspResponseStatus status) =>
        context.RespondAsync(new OcspResponseSigned(OcspErrorResponse.For(status), Cacheable: false, NextUpdate: null, GoodSerials: []));
}
