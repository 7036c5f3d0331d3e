using System.Buffers.Text;
using System.Security.Cryptography;
using Certctl.CaConnector.Issuers.Vendors;
using Certctl.Domain;
using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers.Acme;

/// <summary>
/// An external ACME CA (RFC 8555): the issuer's stored account, newOrder for the job's names, one challenge per pending
/// authorization (http-01 through <see cref="Http01Responder"/>, dns-01 through <see cref="Dns01Hooks"/>), finalize with
/// the CSR, and the PEM chain. The challenge phase and finalize run inside the submission (they need the CSR and, for
/// dns-01, the clean-up); an order still processing <c>CERTCTL_ACME_FINALIZE_WAIT_SECONDS</c> after finalize is parked for the async-order poller,
/// which only has to download it.
/// </summary>
public sealed class AcmeConnector(
    string issuerId,
    AcmeIssuerConfiguration configuration,
    AcmeClient client,
    AcmeAccounts accounts,
    Http01ChallengeStore http01,
    Http01Responder responder,
    TimeSpan pollMaxWait,
    TimeSpan finalizeWait,
    TimeProvider time,
    ILogger logger) : IAsyncIssuerConnector
{
    /// <summary>How long the order's authorizations may take, together, to become valid once their challenges are answered.</summary>
    public static readonly TimeSpan ChallengeTimeout = TimeSpan.FromMinutes(2);

    public string Vendor => "ACME";

    public TimeSpan PollMaxWait => pollMaxWait;

    public async Task<IssuerResponse> IssueAsync(IssuerRequest request, CancellationToken cancellationToken)
    {
        var identifiers = Identifiers(request.Leaf);
        using var csr = OrderCsr.For(request);
        try
        {
            var account = await accounts.GetAsync(cancellationToken);
            var directory = await client.DirectoryAsync(cancellationToken);
            var newOrder = new Dictionary<string, object> { ["identifiers"] = identifiers };
            if (!string.IsNullOrWhiteSpace(configuration.Profile))
            {
                newOrder["profile"] = configuration.Profile.Trim();
            }

            var placed = await client.PostAsync<AcmeOrder>(account.Key, account.Url, directory.NewOrder, newOrder, "new order", cancellationToken);
            var orderUrl = placed.Location ?? throw new CertificateAuthorityException("The ACME server answered newOrder without the order's Location.");
            logger.LogInformation("ACME issuer {IssuerId}: order {OrderUrl} placed for {Names}.", issuerId, orderUrl, string.Join(", ", identifiers.Select(i => i.Value)));

            await AuthorizeAsync(account, placed.Body.Authorizations ?? [], cancellationToken);
            var order = await WaitWhileAsync(account, orderUrl, "pending", ChallengeTimeout, cancellationToken);
            if (order.Status == "pending")
            {
                throw new IssuerUnavailableException($"ACME issuer '{issuerId}': order {orderUrl} was still pending {ChallengeTimeout.TotalSeconds:0} s after its authorizations were valid.");
            }

            if (order.Status != "ready")
            {
                throw Refused(orderUrl, order);
            }

            var finalizeUrl = order.Finalize ?? throw new CertificateAuthorityException($"The ACME order {orderUrl} names no finalize URL.");
            order = (await client.PostAsync<AcmeOrder>(account.Key, account.Url, finalizeUrl,
                new Dictionary<string, string> { ["csr"] = Base64Url.EncodeToString(Der(csr.Pem)) }, "finalize", cancellationToken)).Body;
            if (order.Status == "processing" && finalizeWait > TimeSpan.Zero)
            {
                order = await WaitWhileAsync(account, orderUrl, "processing", finalizeWait, cancellationToken);
            }

            return order.Status switch
            {
                "valid" => IssuerResponse.Issued(await DownloadAsync(account, orderUrl, order, csr.SubjectPublicKeyInfo, cancellationToken), csr.PrivateKeyCopy()),
                "processing" => IssuerResponse.Pending(orderUrl, csr.PrivateKeyCopy()),
                _ => throw Refused(orderUrl, order),
            };
        }
        catch (AcmeProblemException problem)
        {
            throw AcmeErrors.Classify(problem, issuerId);
        }
    }

    public async Task<OrderStatus> GetOrderStatusAsync(string orderId, ReadOnlyMemory<byte> subjectPublicKeyInfo, CancellationToken cancellationToken)
    {
        try
        {
            var account = await accounts.GetAsync(cancellationToken);
            var reply = await client.PostAsync<AcmeOrder>(account.Key, account.Url, orderId, null, "order status", cancellationToken);
            var order = reply.Body;
            switch (order.Status)
            {
                case "valid":
                    return OrderStatus.Issued(await DownloadAsync(account, orderId, order, subjectPublicKeyInfo, cancellationToken));
                case "processing" when reply.RetryAfter is { } retryAfter:
                    // The CA asked for a pause: the poller's transient path honours Retry-After.
                    throw new IssuerUnavailableException($"ACME order {orderId} is processing.", retryAfter);
                case "processing":
                    return OrderStatus.Pending($"ACME order {orderId} is processing.");
                default:
                    // pending/ready cannot be finished here (the challenges and the CSR belong to the submission); invalid is final.
                    return OrderStatus.Rejected(Refused(orderId, order).Message);
            }
        }
        catch (AcmeProblemException problem)
        {
            throw AcmeErrors.Classify(problem, issuerId);
        }
        catch (IssuerRejectedException ex)
        {
            return OrderStatus.Rejected(ex.Message);
        }
    }

    /// <summary>The order's identifiers: the job's DNS names and IP addresses (RFC 8738); ACME certifies nothing else.</summary>
    private static List<AcmeIdentifier> Identifiers(LeafRequest leaf)
    {
        var names = CertificateNames.Normalize(leaf.CommonName, leaf.SubjectAlternativeNames);
        if (names.EmailAddresses.Count > 0 || names.Uris.Count > 0)
        {
            throw new InvalidNameException("An ACME CA certifies DNS names and IP addresses only; the certificate also asks for e-mail addresses or URIs.");
        }

        return [.. names.DnsNames.Select(dns => new AcmeIdentifier("dns", dns)), .. names.IpAddresses.Select(ip => new AcmeIdentifier("ip", ip.ToString()))];
    }

    private async Task AuthorizeAsync(AcmeAccountSession account, IReadOnlyList<string> authorizationUrls, CancellationToken cancellationToken)
    {
        var type = configuration.EffectiveChallengeType;
        var answered = new List<(string Url, AcmeAuthorization Authorization, AcmeChallenge Challenge)>();
        try
        {
            foreach (var url in authorizationUrls)
            {
                var authorization = (await client.PostAsync<AcmeAuthorization>(account.Key, account.Url, url, null, "authorization", cancellationToken)).Body;
                if (authorization.Status == "valid")
                {
                    continue;
                }

                if (authorization.Status != "pending")
                {
                    throw new IssuerRejectedException($"ACME issuer '{issuerId}': the authorization of {authorization.Identifier.Value} is {authorization.Status}.");
                }

                var challenge = authorization.Challenges?.FirstOrDefault(c => c.Type == type && c.Token is not null)
                    ?? throw new IssuerRejectedException(
                        $"ACME issuer '{issuerId}': the CA offers no {type} challenge for {authorization.Identifier.Value} (it offers {string.Join(", ", authorization.Challenges?.Select(c => c.Type) ?? [])}).");
                answered.Add((url, authorization, challenge));
                await PresentAsync(authorization, challenge, cancellationToken);
            }

            if (answered.Count == 0)
            {
                return;
            }

            if (type == AcmeIssuerConfiguration.Dns01 && configuration.EffectiveDnsPropagationWait > TimeSpan.Zero)
            {
                await Task.Delay(configuration.EffectiveDnsPropagationWait, time, cancellationToken);
            }

            foreach (var (_, _, challenge) in answered)
            {
                await client.PostAsync<AcmeChallenge>(account.Key, account.Url, challenge.Url, new Dictionary<string, string>(), "challenge response", cancellationToken);
            }

            // One deadline for all of them: the CA validates them in parallel, and the submission as a whole must stay bounded.
            var deadline = time.GetUtcNow() + ChallengeTimeout;
            foreach (var (url, authorization, challenge) in answered)
            {
                var settled = await WaitForAuthorizationAsync(account, url, deadline, cancellationToken);
                if (settled.Status != "valid")
                {
                    var error = settled.Challenges?.FirstOrDefault(c => c.Url == challenge.Url)?.Error;
                    throw new IssuerRejectedException(
                        $"ACME issuer '{issuerId}': the {challenge.Type} challenge for {authorization.Identifier.Value} failed ({settled.Status}): {error?.ToString() ?? "no detail"}");
                }
            }
        }
        finally
        {
            // Clean-up always runs, whatever happened: a failed order must not leave TXT records or answers behind.
            foreach (var (_, authorization, challenge) in answered)
            {
                await CleanUpAsync(authorization, challenge);
            }
        }
    }

    private async Task PresentAsync(AcmeAuthorization authorization, AcmeChallenge challenge, CancellationToken cancellationToken)
    {
        var key = (await accounts.GetAsync(cancellationToken)).Key;
        if (challenge.Type == AcmeIssuerConfiguration.Http01)
        {
            await responder.EnsureListeningAsync(configuration.EffectiveHttpPort, cancellationToken);
            await http01.PresentAsync(issuerId, challenge.Token!, key.KeyAuthorization(challenge.Token!), cancellationToken);
            return;
        }

        await Dns01Hooks.RunAsync(configuration.DnsPresentScript!, "present", authorization.Identifier.Value, challenge.Token!, key.Dns01Value(challenge.Token!), cancellationToken);
    }

    private async Task CleanUpAsync(AcmeAuthorization authorization, AcmeChallenge challenge)
    {
        try
        {
            if (challenge.Type == AcmeIssuerConfiguration.Http01)
            {
                await http01.RemoveAsync(challenge.Token!, CancellationToken.None);
            }
            else if (!string.IsNullOrWhiteSpace(configuration.DnsCleanupScript))
            {
                var key = (await accounts.GetAsync(CancellationToken.None)).Key;
                await Dns01Hooks.RunAsync(configuration.DnsCleanupScript, "cleanup", authorization.Identifier.Value, challenge.Token!, key.Dns01Value(challenge.Token!), CancellationToken.None);
            }
        }
        catch (Exception ex)
        {
            // The order's outcome stands; a record left behind is the operator's to notice, not a reason to fail the issuance.
            logger.LogWarning(ex, "ACME issuer {IssuerId}: cleaning up the {Type} challenge for {Domain} failed.", issuerId, challenge.Type, authorization.Identifier.Value);
        }
    }

    private async Task<AcmeAuthorization> WaitForAuthorizationAsync(AcmeAccountSession account, string url, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        for (var polls = 0; ; polls++)
        {
            var reply = await client.PostAsync<AcmeAuthorization>(account.Key, account.Url, url, null, "authorization", cancellationToken);
            if (reply.Body.Status != "pending")
            {
                return reply.Body;
            }

            if (!await PauseAsync(reply.RetryAfter, polls, deadline, cancellationToken))
            {
                throw new IssuerUnavailableException(
                    $"ACME issuer '{issuerId}': the authorization of {reply.Body.Identifier.Value} was still pending {ChallengeTimeout.TotalSeconds:0} s after its challenge was answered.");
            }
        }
    }

    /// <summary>Polls the order while it is in <paramref name="status"/>, for up to <paramref name="bound"/>; returns it as last seen.</summary>
    private async Task<AcmeOrder> WaitWhileAsync(AcmeAccountSession account, string orderUrl, string status, TimeSpan bound, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + bound;
        for (var polls = 0; ; polls++)
        {
            var reply = await client.PostAsync<AcmeOrder>(account.Key, account.Url, orderUrl, null, "order", cancellationToken);
            if (reply.Body.Status != status || !await PauseAsync(reply.RetryAfter, polls, deadline, cancellationToken))
            {
                return reply.Body;
            }
        }
    }

    /// <summary>Waits before the next poll (the CA's Retry-After, else 0.5 s growing to 5 s); false when that would pass <paramref name="deadline"/>.</summary>
    private async Task<bool> PauseAsync(TimeSpan? retryAfter, int polls, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var wait = retryAfter ?? TimeSpan.FromMilliseconds(Math.Min(500 * Math.Pow(1.5, polls), 5000));
        if (time.GetUtcNow() + wait > deadline)
        {
            return false;
        }

        await Task.Delay(wait, time, cancellationToken);
        return true;
    }

    private async Task<IssuedCertificate> DownloadAsync(
        AcmeAccountSession account, string orderUrl, AcmeOrder order, ReadOnlyMemory<byte> subjectPublicKeyInfo, CancellationToken cancellationToken)
    {
        var url = order.Certificate ?? throw new CertificateAuthorityException($"The ACME order {orderUrl} is valid but names no certificate URL.");
        var chain = await client.DownloadCertificateAsync(account.Key, account.Url, url, cancellationToken);
        return ExternalCertificate.FromPemBundle(chain, subjectPublicKeyInfo.Span);
    }

    private static byte[] Der(string csrPem)
    {
        var fields = PemEncoding.Find(csrPem);
        return Convert.FromBase64String(csrPem[fields.Base64Data]);
    }

    private IssuerRejectedException Refused(string orderUrl, AcmeOrder order) =>
        new($"ACME issuer '{issuerId}': order {orderUrl} is {order.Status}{(order.Error is { } error ? $": {error}" : ".")}");
}
