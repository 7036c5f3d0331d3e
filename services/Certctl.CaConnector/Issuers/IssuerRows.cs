using System.Security.Cryptography;
using System.Text;
using Certctl.Issuance;
using Certctl.Secrets;
using Npgsql;

namespace Certctl.CaConnector.Issuers;

/// <summary>Reads issuer rows and decrypts their configuration; the CA connector is the only reader of the clear text.</summary>
public sealed class IssuerRows(NpgsqlDataSource db, ConfigurationCipher cipher)
{
    private const string Columns = "id, type, enabled, config::text, encrypted_config";

    /// <exception cref="CertificateAuthorityException">There is no such issuer, or its stored configuration does not decrypt.</exception>
    public async Task<IssuerRow> GetAsync(string issuerId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM issuers WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter<string>("id", issuerId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? Read(reader)
            : throw new CertificateAuthorityException($"There is no issuer '{issuerId}'.");
    }

    /// <summary>Every enabled issuer, for loading the local CAs at start.</summary>
    public async Task<IReadOnlyList<IssuerRow>> ListEnabledAsync(CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand($"SELECT {Columns} FROM issuers WHERE enabled ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<IssuerRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    // encrypted_config holds the full configuration (secrets included); rows seeded without a key have only the plain one.
    private IssuerRow Read(NpgsqlDataReader reader)
    {
        var id = reader.GetString(0);
        var json = reader.GetString(3);
        if (!reader.IsDBNull(4))
        {
            try
            {
                json = Encoding.UTF8.GetString(cipher.Decrypt(reader.GetFieldValue<byte[]>(4), id));
            }
            catch (CryptographicException ex)
            {
                throw new CertificateAuthorityException(
                    $"The configuration of issuer '{id}' does not decrypt: {ConfigurationEncryptionOptions.KeyVariable} differs from the gateway's, or the row was altered.", ex);
            }
        }

        return new IssuerRow(id, reader.GetString(1), reader.GetBoolean(2), json);
    }
}
