using System.Security.Cryptography;
using System.Text;
using Certctl.Gateway.Auth;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Tests;

/// <summary><c>CERTCTL_API_KEYS_NAMED</c>: what is accepted, what stops start-up, and that only hashes are kept.</summary>
public sealed class ApiKeyParserTests
{
    [Fact]
    public void Named_keys_with_and_without_the_admin_flag_are_accepted_and_hashed()
    {
        var result = ApiKeyParser.Parse(" alice:k-alice-1:admin , ci_bot-2:k-ci ");

        Assert.Empty(result.Errors);
        Assert.Collection(result.Entries,
            alice => { Assert.Equal("alice", alice.Name); Assert.True(alice.IsAdmin); Assert.True(alice.KeyHash.SequenceEqual(Sha256("k-alice-1"))); },
            ci => { Assert.Equal("ci_bot-2", ci.Name); Assert.False(ci.IsAdmin); Assert.True(ci.KeyHash.SequenceEqual(Sha256("k-ci"))); });
    }

    [Fact]
    public void One_name_may_carry_two_keys_for_rotation()
    {
        var result = ApiKeyParser.Parse("bob:old-key,bob:new-key");

        Assert.Empty(result.Errors);
        Assert.Equal(["bob", "bob"], result.Entries.Select(entry => entry.Name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(",")]
    public void Blank_configuration_means_no_keys(string? specification)
    {
        var result = ApiKeyParser.Parse(specification);

        Assert.Empty(result.Entries);
        Assert.Empty(result.Errors);
    }

    [Theory]
    [InlineData("bob:same-key,bob:same-key", "repeats entry 1")]
    [InlineData("alice:k1:admin,alice:k2", "different admin flag")]
    [InlineData("alice:k1,carol:k1", "same key as entry 1")]
    [InlineData("alice:k1:Admin", "must be exactly 'admin'")]
    [InlineData("alice:k1:yes", "must be exactly 'admin'")]
    [InlineData("al ice:k1", "invalid name")]
    [InlineData("al.ice:k1", "invalid name")]
    [InlineData(":k1", "invalid name")]
    [InlineData("alice", "not name:key")]
    [InlineData("alice:", "empty key")]
    [InlineData("alice:k 1", "whitespace")]
    [InlineData("alice:k:1:admin", "more than three")]
    public void Invalid_entries_are_reported(string specification, string expected)
    {
        var result = ApiKeyParser.Parse(specification);

        var error = Assert.Single(result.Errors);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_never_contain_the_key()
    {
        const string secret = "s3cr3t-key-material";
        var result = ApiKeyParser.Parse($"alice:{secret},bob:{secret},carol:{secret}:root,{secret}");

        Assert.Equal(3, result.Errors.Count);
        Assert.All(result.Errors, error => Assert.DoesNotContain(secret, error, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_error_is_reported_at_once_and_fails_validation()
    {
        var options = new ApiKeyOptions();
        options.Load("good:k0,bad name:k1,x:k2:root");

        var validation = new ApiKeyOptionsValidator().Validate(null, options);

        Assert.True(validation.Failed);
        Assert.Equal(2, validation.Failures!.Count());
        Assert.All(validation.Failures!, failure => Assert.StartsWith("CERTCTL_API_KEYS_NAMED: entry", failure, StringComparison.Ordinal));
    }

    [Fact]
    public void The_ring_finds_exact_keys_only()
    {
        var options = new ApiKeyOptions();
        options.Load("alice:abcdef0123456789:admin,bob:0123456789abcdef,bob:fedcba9876543210");
        var ring = new ApiKeyRing(Options.Create(options));

        Assert.Equal("alice", ring.Find("abcdef0123456789")?.Name);
        Assert.Equal("bob", ring.Find("fedcba9876543210")?.Name);
        Assert.Null(ring.Find("abcdef012345678"));    // a prefix
        Assert.Null(ring.Find("abcdef01234567890"));  // one character more
        Assert.Null(ring.Find("abcdef0123456788"));   // last character off
        Assert.Null(ring.Find("ABCDEF0123456789"));   // keys are case-sensitive
        Assert.Null(ring.Find(string.Empty));
    }

    private static byte[] Sha256(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
