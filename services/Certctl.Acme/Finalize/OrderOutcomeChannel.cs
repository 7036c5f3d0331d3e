namespace Certctl.Acme.Finalize;

/// <summary>
/// The Postgres channel on which <see cref="IssuanceOutcomeConsumer"/> notifies every order it moved on (delivered at commit), so a
/// finalize waiting on any replica (<see cref="OrderOutcomeSignals"/>) answers at once.
/// </summary>
public static class OrderOutcomeChannel
{
    /// <summary>The channel; its payload is the order's new status, a space and the order's id (<see cref="Payload"/>).</summary>
    public const string Name = "acme_order_outcome";

    /// <summary>The SQL expression of a notification's payload, from an order row's <c>status</c> and <c>id</c>.</summary>
    public const string Payload = "status || ' ' || id";

    /// <summary>The order id and status of a payload; null for one this version does not read.</summary>
    public static (string OrderId, string Status)? Parse(string payload)
    {
        var space = payload.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && space < payload.Length - 1 ? (payload[(space + 1)..], payload[..space]) : null;
    }
}
