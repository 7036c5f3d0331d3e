namespace Certctl.Acme.Tests.Orders;

/// <summary>Waits for what background work (the validation worker, a consumer) writes.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(string connectionString, string sql, params object?[] parameters)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Sql.ScalarAsync<bool>(connectionString, sql, parameters) is false)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Still false after 30 s: {sql}");
            }

            await Task.Delay(50);
        }
    }
}
