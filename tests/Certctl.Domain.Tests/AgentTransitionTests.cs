using Certctl.Domain;

namespace Certctl.Domain.Tests;

public sealed class AgentTransitionTests
{
    [Theory]
    [InlineData(AgentStatus.Online, AgentStatus.Offline)]
    [InlineData(AgentStatus.Offline, AgentStatus.Online)]
    [InlineData(AgentStatus.Online, AgentStatus.Degraded)]
    [InlineData(AgentStatus.Degraded, AgentStatus.Online)]
    [InlineData(AgentStatus.Offline, AgentStatus.Degraded)]
    [InlineData(AgentStatus.Degraded, AgentStatus.Offline)]
    public void Any_status_may_follow_any_other(AgentStatus from, AgentStatus to)
    {
        Assert.True(AgentTransitions.CanTransition(from, to));
        AgentTransitions.EnsureTransition(from, to);
    }

    [Theory]
    [InlineData(AgentStatus.Online)]
    [InlineData(AgentStatus.Offline)]
    [InlineData(AgentStatus.Degraded)]
    public void Staying_put_is_not_a_transition_and_no_status_is_final(AgentStatus status)
    {
        Assert.False(AgentTransitions.CanTransition(status, status));
        Assert.Throws<IllegalTransitionException>(() => AgentTransitions.EnsureTransition(status, status));
        Assert.False(AgentTransitions.Table.IsTerminal(status));
    }
}
