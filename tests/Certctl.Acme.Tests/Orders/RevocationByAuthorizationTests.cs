using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Certctl.Acme.Challenges;
using Certctl.Acme.Finalize;
using Certctl.Acme.Orders;
using Certctl.Acme.Problems;
using Certctl.Acme.Revocation;
using Certctl.Acme.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace Certctl.Acme.Tests.Orders;

/// <summary>
/// revokeCert by an account that did not order the certificate but holds valid authorizations for every identifier in it (RFC 8555
/// §7.6): only proven (challenge-mode) authorizations count, and all of the certificate's names must be covered.
/// </summary>
public sealed class RevocationByAuthorizationTests(MigratedDatabaseFixture<RevocationByAuthorizationTests> database, ITestOutputHelper output)
    : IClassFixture<MigratedDatabaseFixture<RevocationByAuthorizationTests>>
{
    [Fact]
    public async Task An_account_proven_for_every_name_may_revoke_one_proven_for_some_or_unproven_may_not()
    {
        await NewOrderTests.EnsureChallengeProfileAsync(database.ConnectionString);
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output, null,
            new ScriptedValidator(ChallengeTypes.Http01, ChallengeValidationResult.Valid), new ScriptedValidator(ChallengeTypes.Dns01, ChallengeValidationResult.Valid));
        var owner = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        using var certificate = await IssuedAsync(host, owner, "rv.example.com", "*.rv.example.com");

        var partial = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        await AuthorizationReuseTests.ProvenOrderAsync(host, database.ConnectionString, partial, "rv.example.com");
        // trust_authenticated authorizations are valid for the asking: they prove nothing about another account's certificate.
        var unproven = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        Assert.Null((await host.Get<NewOrders>().CreateAsync(unproven, "prof-standard-tls", NewOrderTests.Payload(new
        {
            identifiers = new[] { new { type = "dns", value = "rv.example.com" }, new { type = "dns", value = "*.rv.example.com" } },
        }), default)).Problem);
        var holder = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        await AuthorizationReuseTests.ProvenOrderAsync(host, database.ConnectionString, holder, "rv.example.com", "*.rv.example.com");

        var partly = await RevokeAsync(host, certificate, partial);
        var trusted = await RevokeAsync(host, certificate, unproven);
        Assert.Equal((AcmeProblemTypes.Unauthorized, 403), (partly!.Type, partly.Status));
        Assert.Equal((AcmeProblemTypes.Unauthorized, 403), (trusted!.Type, trusted.Status));
        Assert.Equal(0L, await Sql.ScalarAsync<long>(database.ConnectionString, "SELECT count(*) FROM certificate_revocations"));

        Assert.Null(await RevokeAsync(host, certificate, holder));
        Assert.Equal("acme:" + holder, await Sql.ScalarAsync<string>(database.ConnectionString, "SELECT revoked_by FROM certificate_revocations"));
        var again = await RevokeAsync(host, certificate, holder);
        Assert.Equal((AcmeProblemTypes.AlreadyRevoked, 400), (again!.Type, again.Status));
    }

    [Fact]
    public async Task Expired_authorizations_do_not_count()
    {
        await NewOrderTests.EnsureChallengeProfileAsync(database.ConnectionString);
        await using var host = await OrdersHost.StartAsync(database.ConnectionString, output, null,
            new ScriptedValidator(ChallengeTypes.Http01, ChallengeValidationResult.Valid));
        var owner = await OrderRows.AccountAsync(database.ConnectionString, "prof-standard-tls");
        using var certificate = await IssuedAsync(host, owner, "late.example.com");
        var holder = await OrderRows.AccountAsync(database.ConnectionString, NewOrderTests.ChallengeProfile);
        var proven = await AuthorizationReuseTests.ProvenOrderAsync(host, database.ConnectionString, holder, "late.example.com");
        await Sql.ExecuteAsync(database.ConnectionString, "UPDATE acme_authorizations SET expires_at = now() - interval '1 second' WHERE id = $1",
            proven.AuthorizationIds[0]);

        var refused = await RevokeAsync(host, certificate, holder);

        Assert.Equal((AcmeProblemTypes.Unauthorized, 403), (refused!.Type, refused.Status));
    }

    private static async Task<AcmeProblem?> RevokeAsync(OrdersHost host, X509Certificate2 certificate, string account)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AcmeRevocation>()
            .RevokeAsync(Base64Url.EncodeToString(certificate.RawData), null, RevocationRequester.Account(account), default);
    }

    /// <summary>A trust-mode order of <paramref name="account"/> made valid with a stored certificate naming <paramref name="names"/>.</summary>
    private async Task<X509Certificate2> IssuedAsync(OrdersHost host, string account, params string[] names)
    {
        var (order, problem) = await host.Get<NewOrders>().CreateAsync(account, "prof-standard-tls",
            NewOrderTests.Payload(new { identifiers = names.Select(name => new { type = "dns", value = name }) }), default);
        Assert.Null(problem);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (processing, refused) = await host.Get<FinalizeRequests>().FinalizeAsync(account, order!.Id,
            NewOrderTests.Payload(new { csr = FinalizeCsrTests.Csr(key, "CN=" + names[0], names[1..]) }), default);
        Assert.Null(refused);
        var request = new CertificateRequest("CN=" + names[0], key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            sans.AddDnsName(name);
        }

        request.CertificateExtensions.Add(sans.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30));
        var versionId = "cv-" + Guid.NewGuid().ToString("N");
        await Sql.ExecuteAsync(database.ConnectionString, """
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain)
            VALUES ($1, $2, 'iss-local', $3, now(), now() + interval '30 days', $4, 'pem')
            """, versionId, processing!.CertificateId, certificate.SerialNumber.ToLowerInvariant().TrimStart('0'),
            Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)));
        await Sql.ExecuteAsync(database.ConnectionString,
            "UPDATE acme_orders SET status = 'valid', certificate_version_id = $2 WHERE id = $1", order.Id, versionId);
        return certificate;
    }
}
