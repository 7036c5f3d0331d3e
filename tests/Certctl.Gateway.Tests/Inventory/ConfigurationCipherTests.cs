using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Certctl.Gateway.Security;
using Certctl.Secrets;

namespace Certctl.Gateway.Tests.Inventory;

/// <summary>The AES-256-GCM cipher, its key check and the redaction rules, without a database.</summary>
public sealed class ConfigurationCipherTests(ITestOutputHelper output)
{
    [Fact]
    public void Each_encryption_uses_a_fresh_nonce_and_round_trips()
    {
        var cipher = new ConfigurationCipher(RandomNumberGenerator.GetBytes(32));
        var plaintext = Encoding.UTF8.GetBytes("{\"token\":\"abc\"}");

        var first = cipher.Encrypt(plaintext, "iss-a");
        var second = cipher.Encrypt(plaintext, "iss-a");

        Assert.Equal(ConfigurationCipher.Version, first[0]);
        Assert.Equal(1 + 12 + 16 + plaintext.Length, first.Length);
        Assert.NotEqual(first.AsSpan(1, 12).ToArray(), second.AsSpan(1, 12).ToArray());
        Assert.Equal(plaintext, cipher.Decrypt(first, "iss-a"));
        Assert.Equal(plaintext, cipher.Decrypt(second, "iss-a"));
        Assert.ThrowsAny<CryptographicException>(() => cipher.Decrypt(first, "iss-b"));
        var wrongVersion = (byte[])first.Clone();
        wrongVersion[0] = 2;
        Assert.ThrowsAny<CryptographicException>(() => cipher.Decrypt(wrongVersion, "iss-a"));
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("", "is not set")]
    [InlineData("not base64!", "exactly 32 bytes")]
    [InlineData("AAAA", "exactly 32 bytes")]
    public void A_missing_or_malformed_key_is_explained_naming_the_variable(string? key, string expected)
    {
        var problem = ConfigurationEncryptionOptions.Problem(key);
        Assert.NotNull(problem);
        Assert.Contains(ConfigurationEncryptionOptions.KeyVariable, problem);
        Assert.Contains(expected, problem);
        Assert.Null(ConfigurationEncryptionOptions.Problem(Convert.ToBase64String(new byte[32])));
    }

    [Fact]
    public async Task The_gateway_does_not_start_without_the_key()
    {
        var app = InventoryHost.Build("Host=127.0.0.1;Database=unused", output,
            new Dictionary<string, string?> { [ConfigurationEncryptionOptions.KeyVariable] = null });
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        Assert.Contains(ConfigurationEncryptionOptions.KeyVariable, failure.Message);
        await app.DisposeAsync();
    }

    [Fact]
    public void Redaction_masks_secret_named_string_values_at_any_depth()
    {
        var config = JsonNode.Parse("""
            {"url":"https://ca","api_key":"k","Password":"p","nested":{"client_secret":"s","port":443},
             "list":[{"private_key_pem":"pem"}],"hmac_id":7,"credentials":{"user":"u"}}
            """)!.AsObject();

        var redacted = ConfigurationRedaction.Redact(config);

        Assert.Equal("https://ca", (string?)redacted["url"]);
        Assert.Equal(ConfigurationRedaction.Mask, (string?)redacted["api_key"]);
        Assert.Equal(ConfigurationRedaction.Mask, (string?)redacted["Password"]);
        Assert.Equal(ConfigurationRedaction.Mask, (string?)redacted["nested"]!["client_secret"]);
        Assert.Equal(443, (int)redacted["nested"]!["port"]!);
        Assert.Equal(ConfigurationRedaction.Mask, (string?)redacted["list"]![0]!["private_key_pem"]);
        Assert.Equal(7, (int)redacted["hmac_id"]!);
        Assert.Equal(ConfigurationRedaction.Mask, (string?)redacted["credentials"]!["user"]);
        Assert.Equal("k", (string?)config["api_key"]);
    }
}
