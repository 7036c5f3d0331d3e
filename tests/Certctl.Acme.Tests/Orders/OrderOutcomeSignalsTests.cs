using Certctl.Acme.Finalize;

namespace Certctl.Acme.Tests.Orders;

public sealed class OrderOutcomeSignalsTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_signal_wakes_the_waiter_of_its_order_even_when_it_comes_before_the_wait()
    {
        var signals = new OrderOutcomeSignals();
        using var early = signals.Register("ord-early");
        using var late = signals.Register("ord-late");

        signals.Signal("ord-early", "valid");
        var waiting = late.WaitAsync(Long, TimeProvider.System, default);
        signals.Signal("ord-late", "invalid");

        Assert.Equal("valid", await early.WaitAsync(Long, TimeProvider.System, default));
        Assert.Equal("invalid", await waiting);
        Assert.Equal(0, signals.Waiting);
    }

    [Fact]
    public async Task Another_orders_signal_does_not_wake_it_and_the_window_answers_false()
    {
        var signals = new OrderOutcomeSignals();
        using (var registration = signals.Register("ord-1"))
        {
            signals.Signal("ord-2", "valid");
            Assert.Null(await registration.WaitAsync(TimeSpan.FromMilliseconds(50), TimeProvider.System, default));
            Assert.Equal(1, signals.Waiting);
        }

        Assert.Equal(0, signals.Waiting);
    }

    [Theory]
    [InlineData("valid ord-1", "ord-1", "valid")]
    [InlineData("invalid ord-2 x", "ord-2 x", "invalid")]
    [InlineData("ord-3", null, null)]
    [InlineData("valid ", null, null)]
    [InlineData(" ord-4", null, null)]
    public void A_notification_payload_is_the_status_a_space_and_the_order_id(string payload, string? orderId, string? status)
    {
        var parsed = OrderOutcomeChannel.Parse(payload);
        Assert.Equal(orderId, parsed?.OrderId);
        Assert.Equal(status, parsed?.Status);
    }

    [Fact]
    public async Task A_cancelled_request_stops_waiting_and_leaves_nothing_behind()
    {
        var signals = new OrderOutcomeSignals();
        using var cancel = new CancellationTokenSource();
        using (var registration = signals.Register("ord-gone"))
        {
            var waiting = registration.WaitAsync(Long, TimeProvider.System, cancel.Token);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }

        Assert.Equal(0, signals.Waiting);
    }
}
