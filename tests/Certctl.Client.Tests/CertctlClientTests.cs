using System.Net;
using Refit;

namespace Certctl.Client.Tests;

/// <summary><see cref="CertctlClient"/> against the stand-in: snake_case bodies, the Bearer key on the wire, problem documents.</summary>
public sealed class CertctlClientTests(StandInGateway gateway) : IClassFixture<StandInGateway>
{
    [Fact]
    public async Task Reads_the_version_and_sends_the_key()
    {
        var key = $"key-{Guid.NewGuid():N}";
        var api = CertctlClient.Create(gateway.Address, key);

        var version = await api.GetVersionAsync();

        Assert.Equal(StandInGateway.Version, version.Version);
        Assert.Contains($"Bearer {key}", gateway.Authorizations);
    }

    [Fact]
    public async Task Reads_the_auth_check_in_snake_case()
    {
        var api = CertctlClient.Create(gateway.Address, StandInGateway.GoodKey);

        var check = await api.CheckAuthAsync();

        Assert.Equal("authenticated", check.Status);
        Assert.Equal("operator", check.User);
        Assert.True(check.Admin);
    }

    [Fact]
    public async Task A_rejected_key_surfaces_the_problem_document()
    {
        var api = CertctlClient.Create(gateway.Address, "wrong-key");

        var exception = await Assert.ThrowsAnyAsync<ApiException>(() => api.CheckAuthAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.True(exception.TryGetProblem(out var problem));
        Assert.Equal(401, problem.Status);
        Assert.Equal("Unauthorized", problem.Title);
        Assert.Equal("The API key is missing or not valid.", problem.Detail);
        Assert.Equal("/api/v1/auth/check", problem.Instance);
        Assert.Equal("0HN-test", problem.RequestId);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", problem.TraceId);
    }

    [Fact]
    public async Task An_error_without_a_problem_document_is_not_read_as_one()
    {
        var api = RestService.For<IBrokenApi>(new HttpClient { BaseAddress = gateway.Address }, CertctlClientSettings.Create());

        var exception = await Assert.ThrowsAnyAsync<ApiException>(() => api.GetBrokenAsync());

        Assert.Equal(HttpStatusCode.BadGateway, exception.StatusCode);
        Assert.False(exception.TryGetProblem(out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public async Task The_di_registration_sends_the_key_and_reads_responses()
    {
        var key = $"di-{Guid.NewGuid():N}";
        var services = new ServiceCollection();
        services.AddCertctlClient(gateway.Address, key);
        await using var provider = services.BuildServiceProvider();

        var version = await provider.GetRequiredService<ICertctlApi>().GetVersionAsync();

        Assert.Equal(StandInGateway.Version, version.Version);
        Assert.Contains($"Bearer {key}", gateway.Authorizations);
    }

    [Fact]
    public void An_empty_key_is_refused_up_front()
    {
        Assert.ThrowsAny<ArgumentException>(() => CertctlClient.Create(gateway.Address, " "));
        Assert.ThrowsAny<ArgumentException>(() => new ServiceCollection().AddCertctlClient(gateway.Address, ""));
    }

    /// <summary>An endpoint outside the operator API that fails with plain text.</summary>
    public interface IBrokenApi
    {
        [Get("/api/v1/broken")]
        Task<string> GetBrokenAsync();
    }
}
