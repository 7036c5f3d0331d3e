using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Certctl.Acme.Tests.Orders;

/// <summary>What the CA connector does for a finalized order, by hand: its job, a certificate for the CSR's key, stored as the job's version.</summary>
internal static class IssuedByHand
{
    public static X509Certificate2 Certificate(ECDsa key, string name) =>
        new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30));

    /// <summary>The issuance job and certificate a finalize gave the order, once its statement has committed.</summary>
    public static async Task<(string JobId, string CertificateId)> JobOfAsync(string connectionString, string orderId)
    {
        await Eventually.TrueAsync(connectionString, "SELECT job_id IS NOT NULL FROM acme_orders WHERE id = $1", orderId);
        var row = Assert.Single(await Sql.RowsAsync(connectionString, "SELECT job_id, certificate_id FROM acme_orders WHERE id = $1", orderId));
        return ((string)row["job_id"]!, (string)row["certificate_id"]!);
    }

    /// <summary>Stores <paramref name="certificate"/> as the version <paramref name="jobId"/> issued; its id.</summary>
    public static async Task<string> StoreVersionAsync(string connectionString, string certificateId, string jobId, X509Certificate2 certificate)
    {
        var versionId = "cv-" + Guid.NewGuid().ToString("N");
        await Sql.ExecuteAsync(connectionString, """
            INSERT INTO certificate_versions (id, certificate_id, issuer_id, serial_number, not_before, not_after, fingerprint_sha256, pem_chain, job_id)
            VALUES ($1, $2, 'iss-local', $3, $4, $5, $6, $7, $8)
            """, versionId, certificateId, certificate.SerialNumber.ToLowerInvariant().TrimStart('0'), certificate.NotBefore.ToUniversalTime(),
            certificate.NotAfter.ToUniversalTime(), Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)), certificate.ExportCertificatePem() + "\n", jobId);
        return versionId;
    }
}
