using Certctl.Contracts;
using MassTransit;
using Npgsql;

namespace Certctl.Gateway.Pki;

/// <summary>
/// Gets a signed OCSP answer: from <see cref="OcspAnswerCache"/> when one is cached and none of its good serials has been revoked since
/// (one indexed read), otherwise from the CA connector over a MassTransit request/response. A connector that does not answer in time (or a
/// broker that is away) gives <c>tryLater</c>, one that fails gives <c>internalError</c>: OCSP statuses, never an HTTP 500.
/// </summary>
public sealed partial class OcspAnswers(
    IRequestClient<SignOcspResponse> connector, OcspAnswerCache cache, NpgsqlDataSource db, TimeProvider time, ILogger<OcspAnswers> logger)
{
    /// <summary>How long a request waits for the connector's signature.</summary>
    public static readonly TimeSpan ConnectorTimeout = TimeSpan.FromSeconds(5);

    public async Task<OcspResponseSigned> AnswerAsync(string issuerId, byte[] request, CancellationToken cancellationToken)
    {
        var key = OcspAnswerCache.KeyFor(issuerId, request);
        if (cache.TryGet(key, out var cached) && cached is not null)
        {
            if (!await AnyRevokedAsync(issuerId, cached.GoodSerials, cancellationToken))
            {
                return cached;
            }

            cache.Remove(key);
        }

        try
        {
            var response = await connector.GetResponse<OcspResponseSigned>(
                new SignOcspResponse(issuerId, request, time.GetUtcNow()), cancellationToken, RequestTimeout.After(s: (int)ConnectorTimeout.TotalSeconds));
            var signed = response.Message;
            if (signed is { Cacheable: true, NextUpdate: { } nextUpdate })
            {
                cache.Set(key, signed, nextUpdate);
            }

            return signed;
        }
        catch (RequestFaultException exception)
        {
            LogUnanswered(logger, exception, issuerId);
            return OcspStatusResponses.InternalError;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            // No answer in time, or no broker to ask: the client should try again, not see an HTTP error.
            LogUnanswered(logger, exception, issuerId);
            return OcspStatusResponses.TryLater;
        }
    }

    private async Task<bool> AnyRevokedAsync(string issuerId, IReadOnlyList<string> serials, CancellationToken cancellationToken)
    {
        if (serials.Count == 0)
        {
            return false;
        }

        await using var command = db.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM certificate_revocations WHERE issuer_id = @issuer_id AND serial_number = ANY (@serials))");
        command.Parameters.Add(new NpgsqlParameter<string>("issuer_id", issuerId));
        command.Parameters.Add(new NpgsqlParameter<string[]>("serials", [.. serials]));
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The CA connector did not answer an OCSP request for {IssuerId}")]
    private static partial void LogUnanswered(ILogger logger, Exception exception, string issuerId);
}

/// <summary>The unsigned OCSP error answers the gateway gives itself (RFC 6960 OCSPResponseStatus, no response bytes).</summary>
public static class OcspStatusResponses
{
    public static readonly OcspResponseSigned MalformedRequest = Of(1);

    public static readonly OcspResponseSigned InternalError = Of(2);

    public static readonly OcspResponseSigned TryLater = Of(3);

    private static OcspResponseSigned Of(byte status) => new([0x30, 0x03, 0x0A, 0x01, status], Cacheable: false, NextUpdate: null, GoodSerials: []);
}
