using System.Diagnostics;
using System.Net.Http.Headers;
using Npgsql;

namespace Certctl.EndToEnd.Tests;

/// <summary>
/// The gateway runs socket completions inline (the AppHost's <c>WithInlineSocketCompletions</c>). A client that leaves while its
/// query waits must not make Npgsql cancel that query on an epoll thread: that stalled the whole gateway for seconds per query.
/// </summary>
[Collection(SuiteCollection.Name)]
public sealed class InlineCompletionTests(SuiteFixture suite)
{
    private const int AbandonedCalls = 20;
    private static readonly TimeSpan ClientPatience = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan TableLockedFor = TimeSpan.FromSeconds(1);

    // Healthy, the five calls take milliseconds; with the stall each took Npgsql's 2 s cancellation timeout or longer.
    private static readonly TimeSpan FollowUpBudget = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task Clients_that_leave_while_their_queries_wait_do_not_stall_the_gateway()
    {
        using (var startup = new CancellationTokenSource(SuiteFixture.StartupTimeout))
        {
            await suite.App.ResourceNotifications.WaitForResourceHealthyAsync("gateway", startup.Token);
        }

        // Hold the teams table so every list query waits in Postgres while its client gives up.
        await using (var connection = new NpgsqlConnection(suite.DatabaseConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE teams IN ACCESS EXCLUSIVE MODE", connection, transaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            using var impatient = CreateClient(ClientPatience);
            var abandoned = Enumerable.Range(0, AbandonedCalls).Select(async _ =>
            {
                try
                {
                    using var response = await impatient.GetAsync("/api/v1/teams?limit=500");
                    return response.IsSuccessStatusCode ? "answered" : $"status {(int)response.StatusCode}";
                }
                catch (TaskCanceledException)
                {
                    return "left";
                }
            }).ToArray();
            var outcomes = await Task.WhenAll(abandoned);
            Assert.All(outcomes, outcome => Assert.Equal("left", outcome));

            await Task.Delay(TableLockedFor - ClientPatience);
            await transaction.RollbackAsync();
        }

        using var patient = CreateClient(TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();
        for (var call = 0; call < 5; call++)
        {
            using var response = await patient.GetAsync("/api/v1/teams?limit=500");
            response.EnsureSuccessStatusCode();
        }

        Assert.True(clock.Elapsed < FollowUpBudget,
            $"five list calls after the abandoned ones took {clock.Elapsed.TotalMilliseconds:F0} ms (budget {FollowUpBudget.TotalMilliseconds} ms)");
    }

    private HttpClient CreateClient(TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{suite.GatewayPort}"), Timeout = timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", suite.ApiKey);
        return client;
    }
}
