using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Tests;

/// <summary>Bad configuration of the core stops the gateway at start-up with a message naming the setting.</summary>
public sealed class StartupValidationTests(ITestOutputHelper output)
{
    // Nothing connects at start-up, so no database is needed to see the refusal.
    private const string UnusedDatabase = "Host=127.0.0.1;Port=1;Database=unused;Username=unused";

    [Theory]
    [InlineData("CERTCTL_API_KEYS_NAMED", "alice:k1,alice:k1", "repeats entry 1")]
    [InlineData("CERTCTL_API_KEYS_NAMED", "alice:k1:superuser", "must be exactly 'admin'")]
    [InlineData("CERTCTL_API_KEYS_NAMED", "al!ce:k1", "invalid name")]
    [InlineData("CERTCTL_MAX_BODY_SIZE", "0", "MaxBodySize")]
    [InlineData("CERTCTL_CURSOR_KEY", "too-short", "CERTCTL_CURSOR_KEY must be at least 32 characters")]
    [InlineData("CERTCTL_AUDIT_BATCH_SIZE", "0", "BatchSize")]
    public async Task Invalid_settings_stop_start_up(string variable, string value, string expected)
    {
        await using var app = GatewayHost.Build(UnusedDatabase, output, settings: new Dictionary<string, string?> { [variable] = value });

        var refusal = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(expected, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_setting_that_is_not_a_number_stops_start_up()
    {
        await using var app = GatewayHost.Build(UnusedDatabase, output, settings: new Dictionary<string, string?> { ["CERTCTL_MAX_BODY_SIZE"] = "1MB" });

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("CERTCTL_MAX_BODY_SIZE", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_settings_start()
    {
        await using var app = GatewayHost.Build(UnusedDatabase, output, settings: new Dictionary<string, string?>
        {
            ["CERTCTL_API_KEYS_NAMED"] = "alice:k1:admin,alice:k2:admin,bob:k3",
            ["CERTCTL_MAX_BODY_SIZE"] = "2097152",
            ["CERTCTL_CURSOR_KEY"] = null,
        });

        await app.StartAsync();
        await app.StopAsync();
    }
}
