using System.Net;
using Certctl.CaConnector.Issuers.Acme;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Certctl.CaConnector.Tests.Acme;

/// <summary>The http-01 responder answers from Postgres, so a replica answers for a challenge another replica presented.</summary>
public sealed class Http01ResponderTests(MigratedDatabaseFixture<Http01ResponderTests> database)
    : IClassFixture<MigratedDatabaseFixture<Http01ResponderTests>>
{
    [Fact]
    public async Task Any_replica_serves_a_presented_key_authorization_until_it_is_removed()
    {
        await using var db = NpgsqlDataSource.Create(database.ConnectionString);
        var store = new Http01ChallengeStore(db, TimeProvider.System);
        // Two replicas: each its own responder on its own port, one database.
        await using var placing = new Http01Responder(store, NullLogger<Http01Responder>.Instance);
        await using var other = new Http01Responder(new Http01ChallengeStore(db, TimeProvider.System), NullLogger<Http01Responder>.Instance);
        var ports = FreePort.Many(2);
        await placing.EnsureListeningAsync(ports[0], CancellationToken.None);
        await other.EnsureListeningAsync(ports[1], CancellationToken.None);
        await placing.EnsureListeningAsync(ports[0], CancellationToken.None);
        using var http = new HttpClient();

        var token = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
        await store.PresentAsync("iss-local", token, $"{token}.thumbprint", CancellationToken.None);

        foreach (var port in ports)
        {
            using var answer = await http.GetAsync($"http://127.0.0.1:{port}/.well-known/acme-challenge/{token}");
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal($"{token}.thumbprint", await answer.Content.ReadAsStringAsync());
        }

        using (var unknown = await http.GetAsync($"http://127.0.0.1:{ports[1]}/.well-known/acme-challenge/other-token"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var elsewhere = await http.GetAsync($"http://127.0.0.1:{ports[1]}/{token}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        }

        await store.RemoveAsync(token, CancellationToken.None);
        using var removed = await http.GetAsync($"http://127.0.0.1:{ports[1]}/.well-known/acme-challenge/{token}");
        Assert.Equal(HttpStatusCode.NotFound, removed.StatusCode);
    }

    [Fact]
    public async Task A_port_that_cannot_be_bound_is_a_clear_issuer_error()
    {
        await using var db = NpgsqlDataSource.Create(database.ConnectionString);
        await using var first = new Http01Responder(new Http01ChallengeStore(db, TimeProvider.System), NullLogger<Http01Responder>.Instance);
        await using var second = new Http01Responder(new Http01ChallengeStore(db, TimeProvider.System), NullLogger<Http01Responder>.Instance);
        var port = FreePort.Next();
        await first.EnsureListeningAsync(port, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<Certctl.Issuance.CertificateAuthorityException>(() => second.EnsureListeningAsync(port, CancellationToken.None));
        Assert.Contains($"cannot listen on port {port}", refused.Message);
    }
}
