using Certctl.Client;
using Certctl.Client.Models;
using Refit;

namespace Certctl.EndToEnd.Tests;

/// <summary>The operator API through the real suite and <see cref="ICertctlApi"/>: the key the AppHost passed works, the demo seed is served.</summary>
[Collection(SuiteCollection.Name)]
public sealed class OperatorApiTests(SuiteFixture suite)
{
    private ICertctlApi Client => CertctlClient.Create(new Uri($"http://localhost:{suite.GatewayPort}"), suite.ApiKey);

    [Fact]
    public async Task The_operator_key_from_the_apphost_is_accepted_and_names_an_admin()
    {
        await WaitForGatewayAsync();
        var check = await Client.CheckAuthAsync();
        Assert.Equal("operator", check.User);
        Assert.True(check.Admin);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_a_problem_document()
    {
        await WaitForGatewayAsync();
        var wrong = CertctlClient.Create(new Uri($"http://localhost:{suite.GatewayPort}"), "not-the-key-0123456789");
        var exception = await Assert.ThrowsAnyAsync<ApiException>(() => wrong.CheckAuthAsync()); // problem+json arrives as ValidationApiException
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.True(exception.TryGetProblem(out var problem));
        Assert.Equal(401, problem!.Status);
    }

    [Fact]
    public async Task The_demo_seed_is_served_through_the_client()
    {
        await WaitForGatewayAsync();
        var teams = await Client.ListTeamsAsync(limit: 500);
        Assert.Contains(teams.Data, team => team.Id == "t-platform");

        var certificates = await Client.ListCertificatesAsync(new CertificateListQuery { TeamId = "t-platform" });
        Assert.NotEmpty(certificates.Data);
        Assert.All(certificates.Data, certificate => Assert.Equal("t-platform", certificate.TeamId));
    }

    private async Task WaitForGatewayAsync()
    {
        using var timeout = new CancellationTokenSource(SuiteFixture.StartupTimeout);
        await suite.App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
    }
}
