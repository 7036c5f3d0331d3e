using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Certctl.Acme.Problems;
using Certctl.Acme.Validation;

namespace Certctl.Acme.Tests.Validation;

/// <summary>
/// The three validators against pebble-challtestsrv, Let's Encrypt's own challenge test server: its DNS answers every name with
/// 127.0.0.1 and the TXT records a test sets, its http-01 and tls-alpn-01 responders answer what a test adds.
/// </summary>
public sealed class ChallengeTestServerValidationTests(ChallengeTestServerFixture fixture) : IClassFixture<ChallengeTestServerFixture>
{
    private ChallengeTestServer Server => fixture.Server;

    [Fact]
    public async Task Http01_valid_for_a_name_resolved_through_the_configured_resolver()
    {
        var request = Validators.Request("www.http01.example.test");
        await Server.AddHttp01Async(request.Token, request.KeyAuthorization);

        var result = await Create().Http01.ValidateAsync(request, CancellationToken.None);

        Assert.True(result.IsValid, result.Problem?.Detail);
    }

    [Fact]
    public async Task Http01_refuses_a_name_that_resolves_to_loopback_when_private_addresses_are_not_allowed()
    {
        var request = Validators.Request("internal.example.test", allowPrivateAddresses: false);
        await Server.AddHttp01Async(request.Token, request.KeyAuthorization);

        var result = await Create().Http01.ValidateAsync(request, CancellationToken.None);

        Assert.Equal(AcmeProblemTypes.RejectedIdentifier, result.Problem?.Type);
        Assert.Contains("127.0.0.1", result.Problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dns01_valid_when_a_txt_record_holds_the_digest()
    {
        var request = Validators.Request("dns01-valid.example.test");
        await Server.SetTxtAsync("_acme-challenge.dns01-valid.example.test", KeyAuthorizationDigest.Base64UrlSha256(request.KeyAuthorization));

        var result = await Create().Dns01.ValidateAsync(request, CancellationToken.None);

        Assert.True(result.IsValid, result.Problem?.Detail);
    }

    [Fact]
    public async Task Dns01_does_not_care_that_the_name_resolves_to_loopback()
    {
        var request = Validators.Request("dns01-private.example.test", allowPrivateAddresses: false);
        await Server.SetTxtAsync("_acme-challenge.dns01-private.example.test", KeyAuthorizationDigest.Base64UrlSha256(request.KeyAuthorization));

        Assert.True((await Create().Dns01.ValidateAsync(request, CancellationToken.None)).IsValid);
    }

    [Fact]
    public async Task Dns01_incorrect_response_when_the_txt_record_holds_something_else()
    {
        var request = Validators.Request("dns01-wrong.example.test");
        await Server.SetTxtAsync("_acme-challenge.dns01-wrong.example.test", KeyAuthorizationDigest.Base64UrlSha256("another key authorization"));

        var result = await Create().Dns01.ValidateAsync(request, CancellationToken.None);

        Assert.Equal(AcmeProblemTypes.IncorrectResponse, result.Problem?.Type);
        Assert.Equal(403, result.Problem!.Status);
    }

    [Fact]
    public async Task Dns01_incorrect_response_when_there_is_no_txt_record()
    {
        var request = Validators.Request("dns01-none.example.test");

        var result = await Create().Dns01.ValidateAsync(request, CancellationToken.None);

        Assert.Equal(AcmeProblemTypes.IncorrectResponse, result.Problem?.Type);
        Assert.Contains("No TXT record", result.Problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dns01_dns_problem_when_the_resolver_does_not_answer()
    {
        using var mute = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var request = Validators.Request("dns01-mute.example.test");
        var clock = Stopwatch.StartNew();

        var result = await new Validators(new AcmeValidationOptions
        {
            DnsResolver = mute.Client.LocalEndPoint!.ToString(),
            ConnectTimeoutSeconds = 1,
            TimeoutSeconds = 10,
        }).Dns01.ValidateAsync(request, CancellationToken.None);

        Assert.Equal(AcmeProblemTypes.Dns, result.Problem?.Type);
        Assert.Equal(400, result.Problem!.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task TlsAlpn01_valid_against_the_challenge_certificate()
    {
        var request = Validators.Request("alpn-valid.example.test");
        await Server.AddTlsAlpn01Async("alpn-valid.example.test", request.KeyAuthorization);

        var result = await Create().TlsAlpn01.ValidateAsync(request, CancellationToken.None);

        Assert.True(result.IsValid, result.Problem?.Detail);
    }

    [Fact]
    public async Task TlsAlpn01_incorrect_response_when_the_certificate_proves_another_key_authorization()
    {
        var request = Validators.Request("alpn-wrong.example.test");
        await Server.AddTlsAlpn01Async("alpn-wrong.example.test", "another key authorization");

        var result = await Create().TlsAlpn01.ValidateAsync(request, CancellationToken.None);

        Assert.Equal(AcmeProblemTypes.IncorrectResponse, result.Problem?.Type);
        Assert.Contains("acmeIdentifier", result.Problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsAlpn01_refuses_a_name_that_resolves_to_loopback_when_private_addresses_are_not_allowed()
    {
        var request = Validators.Request("alpn-private.example.test", allowPrivateAddresses: false);
        await Server.AddTlsAlpn01Async("alpn-private.example.test", request.KeyAuthorization);

        var result = await Create().TlsAlpn01.ValidateAsync(request, CancellationToken.None);

        Assert.Equal(AcmeProblemTypes.RejectedIdentifier, result.Problem?.Type);
    }

    [Fact]
    public async Task TlsAlpn01_tls_problem_when_the_port_speaks_plain_http()
    {
        var request = Validators.Request("alpn-plain.example.test");

        var result = await Create(tlsAlpn01Port: Server.Http01Port).TlsAlpn01.ValidateAsync(request, CancellationToken.None);

        Assert.Equal(AcmeProblemTypes.Tls, result.Problem?.Type);
    }

    [Fact]
    public async Task TlsAlpn01_connection_problem_when_the_handshake_never_completes()
    {
        using var silent = new SilentServer();
        var request = Validators.Request("alpn-silent.example.test");

        var result = await new Validators(new AcmeValidationOptions
        {
            DnsResolver = Server.Dns.ToString(),
            TlsAlpn01Port = silent.Port,
            ConnectTimeoutSeconds = 1,
            TimeoutSeconds = 2,
        }).TlsAlpn01.ValidateAsync(request, CancellationToken.None);

        Assert.Equal(AcmeProblemTypes.Connection, result.Problem?.Type);
        Assert.Contains("timed out", result.Problem!.Detail, StringComparison.Ordinal);
    }

    private Validators Create(int? tlsAlpn01Port = null) => new(new AcmeValidationOptions
    {
        DnsResolver = Server.Dns.ToString(),
        Http01Port = Server.Http01Port,
        TlsAlpn01Port = tlsAlpn01Port ?? Server.TlsAlpn01Port,
        TimeoutSeconds = 10,
    });
}
