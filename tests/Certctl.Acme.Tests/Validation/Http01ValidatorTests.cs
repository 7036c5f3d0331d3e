using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Certctl.Acme.Problems;
using Certctl.Acme.Validation;
using Microsoft.AspNetCore.Http;

namespace Certctl.Acme.Tests.Validation;

/// <summary>http-01 against a local Kestrel server standing in for the identifier's web server (the port override points at it).</summary>
public sealed class Http01ValidatorTests : IAsyncLifetime
{
    private ChallengeWebServer _server = null!;

    public async Task InitializeAsync() => _server = await ChallengeWebServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Valid_when_the_body_is_the_key_authorization_with_surrounding_whitespace()
    {
        var request = Validators.Request("localhost");
        _server.Serve(PathOf(request), "\n  " + request.KeyAuthorization + "\r\n");

        var result = await Create().Http01.ValidateAsync(request, CancellationToken.None);

        Assert.True(result.IsValid, result.Problem?.Detail);
    }

    [Fact]
    public async Task Valid_for_an_ip_identifier()
    {
        var request = Validators.Request("127.0.0.1", type: "ip");
        _server.Serve(PathOf(request), request.KeyAuthorization);

        Assert.True((await Create().Http01.ValidateAsync(request, CancellationToken.None)).IsValid);
    }

    [Fact]
    public async Task Incorrect_response_when_the_body_differs()
    {
        var request = Validators.Request("localhost");
        _server.Serve(PathOf(request), "something else");

        var problem = await InvalidAsync(request);

        Assert.Equal(AcmeProblemTypes.IncorrectResponse, problem.Type);
        Assert.Equal(403, problem.Status);
        Assert.Contains("something else", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(request.Identifier, problem.Identifier);
    }

    [Fact]
    public async Task Incorrect_response_when_the_status_is_not_200()
    {
        var request = Validators.Request("localhost");

        var problem = await InvalidAsync(request);

        Assert.Equal(AcmeProblemTypes.IncorrectResponse, problem.Type);
        Assert.Contains("404", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Follows_relative_and_absolute_redirects_on_the_http01_port()
    {
        var request = Validators.Request("localhost");
        _server.Redirect(PathOf(request), "/hop-1", StatusCodes.Status301MovedPermanently);
        _server.Redirect("/hop-1", $"http://127.0.0.1:{_server.Port}/hop-2", StatusCodes.Status307TemporaryRedirect);
        _server.Serve("/hop-2", request.KeyAuthorization);

        var result = await Create().Http01.ValidateAsync(request, CancellationToken.None);

        Assert.True(result.IsValid, result.Problem?.Detail);
        Assert.Equal(3, _server.Requests);
    }

    [Fact]
    public async Task Stops_after_ten_redirects()
    {
        var request = Validators.Request("localhost");
        _server.Redirect(PathOf(request), PathOf(request));

        var problem = await InvalidAsync(request);

        Assert.Equal(AcmeProblemTypes.IncorrectResponse, problem.Type);
        Assert.Contains("Too many redirects", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(Http01Validator.MaxRedirects + 1, _server.Requests);
    }

    [Fact]
    public async Task Refuses_a_redirect_to_another_port()
    {
        await using var other = await ChallengeWebServer.StartAsync();
        var request = Validators.Request("localhost");
        other.Serve(PathOf(request), request.KeyAuthorization);
        _server.Redirect(PathOf(request), $"http://localhost:{other.Port}{PathOf(request)}");

        var problem = await InvalidAsync(request);

        Assert.Equal(AcmeProblemTypes.IncorrectResponse, problem.Type);
        Assert.Equal(0, other.Requests);
    }

    [Theory]
    [InlineData("localhost", "dns")]
    [InlineData("127.0.0.1", "ip")]
    [InlineData("::1", "ip")]
    public async Task Refuses_loopback_targets_unless_the_profile_allows_private_addresses(string value, string type)
    {
        var request = Validators.Request(value, allowPrivateAddresses: false, type: type);
        _server.Serve(PathOf(request), request.KeyAuthorization);

        var problem = await InvalidAsync(request);

        Assert.Equal(AcmeProblemTypes.RejectedIdentifier, problem.Type);
        Assert.Equal(400, problem.Status);
        Assert.Contains("loopback", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _server.Requests);
    }

    [Fact]
    public async Task Connection_problem_when_nothing_listens()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var request = Validators.Request("127.0.0.1", type: "ip");

        var problem = await InvalidAsync(request, new AcmeValidationOptions { Http01Port = port });

        Assert.Equal(AcmeProblemTypes.Connection, problem.Type);
        Assert.Equal(400, problem.Status);
        Assert.Contains("ConnectionRefused", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_problem_when_the_server_never_answers_within_the_total_timeout()
    {
        using var silent = new SilentServer();
        var request = Validators.Request("127.0.0.1", type: "ip");
        var clock = Stopwatch.StartNew();

        var problem = await InvalidAsync(request, new AcmeValidationOptions { Http01Port = silent.Port, TimeoutSeconds = 2, ConnectTimeoutSeconds = 1 });

        Assert.Equal(AcmeProblemTypes.Connection, problem.Type);
        Assert.Contains("timed out after 2 s", problem.Detail, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Incorrect_response_when_the_body_is_larger_than_16_KiB()
    {
        var request = Validators.Request("localhost");
        _server.Serve(PathOf(request), request.KeyAuthorization + new string(' ', Http01Validator.MaxBodyBytes));

        var problem = await InvalidAsync(request);

        Assert.Equal(AcmeProblemTypes.IncorrectResponse, problem.Type);
        Assert.Contains("larger than", problem.Detail, StringComparison.Ordinal);
    }

    private Validators Create(AcmeValidationOptions? options = null) =>
        new(options ?? new AcmeValidationOptions { Http01Port = _server.Port });

    private async Task<AcmeProblem> InvalidAsync(ChallengeValidationRequest request, AcmeValidationOptions? options = null)
    {
        var result = await Create(options).Http01.ValidateAsync(request, CancellationToken.None);
        Assert.False(result.IsValid);
        return result.Problem!;
    }

    private static string PathOf(ChallengeValidationRequest request) => "/.well-known/acme-challenge/" + request.Token;
}
