using System.Net;
using System.Net.Http.Headers;
using Certctl.LoadTest.AcmeIssuance;

namespace Certctl.LoadTest.Tests.AcmeIssuance;

public sealed class AcmeAnswerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cap = TimeSpan.FromMilliseconds(50);

    [Fact]
    public void Retry_after_is_honoured_below_the_cap_and_capped_above_it()
    {
        Assert.Equal(Cap, AcmeAnswer.PollDelay(new RetryConditionHeaderValue(TimeSpan.FromSeconds(1)), Now, Cap));
        Assert.Equal(TimeSpan.FromMilliseconds(20), AcmeAnswer.PollDelay(new RetryConditionHeaderValue(TimeSpan.FromMilliseconds(20)), Now, Cap));
        Assert.Equal(TimeSpan.FromMilliseconds(30), AcmeAnswer.PollDelay(new RetryConditionHeaderValue(Now.AddMilliseconds(30)), Now, Cap));
        Assert.Equal(TimeSpan.Zero, AcmeAnswer.PollDelay(new RetryConditionHeaderValue(Now.AddSeconds(-5)), Now, Cap));
        Assert.Equal(Cap, AcmeAnswer.PollDelay(null, Now, Cap));
    }

    [Fact]
    public void Problem_types_are_read_short_and_anything_else_is_null()
    {
        Assert.Equal("badNonce", AcmeAnswer.ProblemType("""{"type":"urn:ietf:params:acme:error:badNonce","status":400}"""));
        Assert.Null(AcmeAnswer.ProblemType("""{"type":"about:blank"}"""));
        Assert.Null(AcmeAnswer.ProblemType("<html>"));
        Assert.Null(AcmeAnswer.ProblemType("[]"));
        Assert.Equal("rateLimited", AcmeIssuanceClient.KindOf(HttpStatusCode.TooManyRequests, """{"type":"urn:ietf:params:acme:error:rateLimited"}"""));
        Assert.Equal("http_502", AcmeIssuanceClient.KindOf(HttpStatusCode.BadGateway, "bad gateway"));
    }

    [Fact]
    public void An_order_is_read_for_its_status_and_urls()
    {
        var order = AcmeOrderState.Parse("""{"status":"valid","finalize":"http://h/acme/order/1/finalize","certificate":"http://h/acme/cert/9","identifiers":[]}""");

        Assert.Equal(new AcmeOrderState("valid", "http://h/acme/order/1/finalize", "http://h/acme/cert/9"), order);
        Assert.Null(AcmeOrderState.Parse("""{"status":"processing","finalize":"x"}""").Certificate);
        Assert.Throws<FormatException>(() => AcmeOrderState.Parse("""{"finalize":"x"}"""));
        Assert.Throws<FormatException>(() => AcmeOrderState.Parse("not json"));
    }

    [Fact]
    public void The_directory_urls_are_rebased_onto_the_base_url()
    {
        var baseUrl = new Uri("http://127.0.0.1:8080/");
        var directory = AcmeDirectory.Parse(
            """{"newNonce":"https://acme.example.net/acme/profile/p/new-nonce","newAccount":"http://localhost:8080/acme/profile/p/new-account","newOrder":"http://localhost:8080/acme/profile/p/new-order"}""",
            baseUrl);

        Assert.Equal(new Uri("http://127.0.0.1:8080/acme/profile/p/new-nonce"), directory.NewNonce);
        Assert.Equal(new Uri("http://127.0.0.1:8080/acme/profile/p/new-order"), directory.NewOrder);
        Assert.Throws<InvalidOperationException>(() => AcmeDirectory.Parse("""{"newNonce":"http://h/n","newAccount":"http://h/a"}""", baseUrl));
        Assert.Throws<FormatException>(() => AcmeDirectory.Rebase(baseUrl, "/relative"));
    }
}
