using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Certctl.LoadTest.AcmeIssuance;

/// <summary>
/// One virtual client of <c>acme_issuance</c>: registers its ES256 account once, then issues certificates back to back
/// (new-order for one random name, finalize with a fresh P-256 CSR, poll the order until valid, download) until stopped.
/// A failed step ends that certificate's flow, is counted by kind and the client starts the next one.
/// </summary>
public sealed class AcmeIssuanceClient(HttpClient http, AcmeDirectory directory, AcmeIssuanceOptions options, AcmeIssuanceTally tally, TimeProvider time)
{
    /// <summary>How often a request is re-signed with the fresh nonce of a <c>badNonce</c> answer before the flow gives up.</summary>
    public const int BadNonceRetries = 3;

    private const string JoseJson = "application/jose+json";

    private string? nonce;

    /// <summary>Registers the account, then issues until <paramref name="stop"/>; counts everything in the tally.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        using var signer = new AcmeSigner();
        string? kid = null;
        while (kid is null && !stop.IsCancellationRequested)
        {
            kid = await RegisterAsync(signer, stop);
            if (kid is null)
            {
                await PauseAsync(options.PollCap, stop);
            }
        }

        while (kid is not null && !stop.IsCancellationRequested)
        {
            if (!await IssueOneAsync(signer, kid, stop))
            {
                // A failing target (a 429, a refusal) should not be hammered in a tight loop by 50 clients.
                await PauseAsync(options.PollCap, stop);
            }
        }
    }

    private async Task<string?> RegisterAsync(AcmeSigner signer, CancellationToken stop)
    {
        var answer = await PostAsync(AcmeIssuanceTally.NewAccount, signer, directory.NewAccount, null,
            """{"termsOfServiceAgreed":true,"contact":["mailto:loadtest@example.com"]}""", stop);
        if (answer is null || !Expect(answer, AcmeIssuanceTally.NewAccount, HttpStatusCode.Created, HttpStatusCode.OK))
        {
            return null;
        }

        if (answer.Location is not { } location)
        {
            tally.Failed(AcmeIssuanceTally.NewAccount, "no_location");
            return null;
        }

        tally.AccountCreated();
        return location;
    }

    /// <summary>One certificate from new-order to download; false when a step failed (already counted).</summary>
    private async Task<bool> IssueOneAsync(AcmeSigner signer, string kid, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        var name = RandomLabel() + "." + options.Domain;
        var created = await PostAsync(AcmeIssuanceTally.NewOrder, signer, directory.NewOrder, kid,
            "{\"identifiers\":[{\"type\":\"dns\",\"value\":\"" + name + "\"}]}", stop);
        if (created is null || !Expect(created, AcmeIssuanceTally.NewOrder, HttpStatusCode.Created)
            || Read(created, AcmeIssuanceTally.NewOrder) is not { } order)
        {
            return false;
        }

        if (created.Location is not { } orderUrl || order.Finalize is not { } finalizeUrl)
        {
            tally.Failed(AcmeIssuanceTally.NewOrder, "no_location");
            return false;
        }

        if (order.Status != "ready")
        {
            // trust_authenticated makes a new order ready at once; anything else is a challenge-mode profile.
            tally.Failed(AcmeIssuanceTally.NewOrder, "not_ready_" + order.Status);
            return false;
        }

        var finalized = await PostAsync(AcmeIssuanceTally.Finalize, signer, Rebase(finalizeUrl), kid, AcmeCsr.FinalizePayload(name), stop);
        if (finalized is null || !Expect(finalized, AcmeIssuanceTally.Finalize, HttpStatusCode.OK)
            || Read(finalized, AcmeIssuanceTally.Finalize) is not { } state)
        {
            return false;
        }

        var retryAfter = finalized.RetryAfter;
        var giveUp = time.GetUtcNow() + options.OrderTimeout;
        while (state.Status is "processing" or "ready")
        {
            if (time.GetUtcNow() >= giveUp)
            {
                tally.Failed(AcmeIssuanceTally.PollOrder, "timeout");
                return false;
            }

            await PauseAsync(AcmeAnswer.PollDelay(retryAfter, time.GetUtcNow(), options.PollCap), stop);
            var polled = await PostAsync(AcmeIssuanceTally.PollOrder, signer, Rebase(orderUrl), kid, null, stop);
            if (polled is null || !Expect(polled, AcmeIssuanceTally.PollOrder, HttpStatusCode.OK)
                || Read(polled, AcmeIssuanceTally.PollOrder) is not { } next)
            {
                return false;
            }

            state = next;
            retryAfter = polled.RetryAfter;
        }

        if (state.Status != "valid" || state.Certificate is not { } certificateUrl)
        {
            tally.Failed(AcmeIssuanceTally.PollOrder, "order_" + state.Status);
            return false;
        }

        var certificate = await PostAsync(AcmeIssuanceTally.Certificate, signer, Rebase(certificateUrl), kid, null, stop);
        if (certificate is null || !Expect(certificate, AcmeIssuanceTally.Certificate, HttpStatusCode.OK))
        {
            return false;
        }

        if (!certificate.Body.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            tally.Failed(AcmeIssuanceTally.Certificate, ErrorKinds.UnexpectedBody);
            return false;
        }

        tally.Issued(Stopwatch.GetElapsedTime(started).Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond);
        return true;
    }

    /// <summary>
    /// Signs and posts, re-signing with the answer's nonce after a <c>badNonce</c>. Null when the request failed (counted) or
    /// the run was stopped (not counted: a request cut off by the end of the run says nothing about the target).
    /// </summary>
    private async Task<Answer?> PostAsync(string step, AcmeSigner signer, Uri url, string? kid, string? payload, CancellationToken stop)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (nonce is null && !await FetchNonceAsync(stop))
            {
                return null;
            }

            var body = signer.Sign(url.ToString(), nonce!, kid, payload);
            nonce = null;
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue(JoseJson);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            var answer = await SendAsync(step, request, stop);
            if (answer is null)
            {
                return null;
            }

            if (answer.Status == HttpStatusCode.BadRequest && attempt < BadNonceRetries && AcmeAnswer.ProblemType(answer.Body) == "badNonce")
            {
                tally.BadNonceRetried();
                continue;
            }

            return answer;
        }
    }

    private async Task<bool> FetchNonceAsync(CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, directory.NewNonce);
        var answer = await SendAsync(AcmeIssuanceTally.NewNonce, request, stop);
        if (answer is not null && nonce is null)
        {
            tally.Failed(AcmeIssuanceTally.NewNonce, answer.Status == HttpStatusCode.OK ? "no_replay_nonce" : Kind(answer));
        }

        return nonce is not null;
    }

    /// <summary>Sends, times and reads one request; keeps the answer's Replay-Nonce for the next one.</summary>
    private async Task<Answer?> SendAsync(string step, HttpRequestMessage request, CancellationToken stop)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, stop);
            var body = await response.Content.ReadAsStringAsync(stop);
            tally.Answered(step, (int)response.StatusCode, Stopwatch.GetTimestamp() - started);
            if (response.Headers.TryGetValues("Replay-Nonce", out var nonces) && nonces.FirstOrDefault() is { Length: > 0 } fresh)
            {
                nonce = fresh;
            }

            return new Answer(response.StatusCode, body, response.Headers.Location?.ToString(), response.Headers.RetryAfter);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            if (!stop.IsCancellationRequested)
            {
                tally.Failed(step, ErrorKinds.Classify(ex));
            }

            return null;
        }
    }

    private bool Expect(Answer answer, string step, params HttpStatusCode[] statuses)
    {
        if (statuses.Contains(answer.Status))
        {
            return true;
        }

        tally.Failed(step, Kind(answer));
        return false;
    }

    private AcmeOrderState? Read(Answer answer, string step)
    {
        try
        {
            return AcmeOrderState.Parse(answer.Body);
        }
        catch (FormatException)
        {
            tally.Failed(step, ErrorKinds.UnexpectedBody);
            return null;
        }
    }

    /// <summary>An error answer's kind: its ACME problem type (<c>rateLimited</c>, <c>badCSR</c>, …), else <c>http_NNN</c>.</summary>
    public static string KindOf(HttpStatusCode status, string body) =>
        AcmeAnswer.ProblemType(body) ?? "http_" + ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Kind(Answer answer) => KindOf(answer.Status, answer.Body);

    private Uri Rebase(string url) => AcmeDirectory.Rebase(options.BaseUrl, url);

    private async Task PauseAsync(TimeSpan delay, CancellationToken stop)
    {
        try
        {
            await Task.Delay(delay, time, stop);
        }
        catch (OperationCanceledException)
        {
            // The run is over; the loops see the token.
        }
    }

    /// <summary>Twelve random lowercase hex characters: a fresh DNS label per certificate, so no two orders share a name.</summary>
    public static string RandomLabel() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>One answer, read in full (the response itself is disposed at once).</summary>
    private sealed record Answer(HttpStatusCode Status, string Body, string? Location, RetryConditionHeaderValue? RetryAfter);
}
