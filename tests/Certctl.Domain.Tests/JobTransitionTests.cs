using Certctl.Domain;

namespace Certctl.Domain.Tests;

public sealed class JobTransitionTests
{
    // Written out independently of JobTransitions so a change to the table has to be made twice, on purpose.
    private static readonly HashSet<(JobStatus, JobStatus)> Legal =
    [
        (JobStatus.AwaitingApproval, JobStatus.Pending),
        (JobStatus.AwaitingApproval, JobStatus.Cancelled),
        (JobStatus.Pending, JobStatus.Running),
        (JobStatus.Pending, JobStatus.Cancelled),
        (JobStatus.Running, JobStatus.Completed),
        (JobStatus.Running, JobStatus.Failed),
        (JobStatus.Running, JobStatus.AwaitingCsr),
        (JobStatus.Running, JobStatus.AwaitingIssuer),
        (JobStatus.Running, JobStatus.Pending),
        (JobStatus.Running, JobStatus.Cancelled),
        (JobStatus.AwaitingIssuer, JobStatus.Completed),
        (JobStatus.AwaitingIssuer, JobStatus.Failed),
        (JobStatus.AwaitingIssuer, JobStatus.AwaitingIssuer),
        (JobStatus.AwaitingIssuer, JobStatus.Cancelled),
        (JobStatus.AwaitingCsr, JobStatus.Running),
        (JobStatus.AwaitingCsr, JobStatus.Failed),
        (JobStatus.AwaitingCsr, JobStatus.Cancelled),
        (JobStatus.Failed, JobStatus.Pending),
    ];

    public static TheoryData<JobStatus, JobStatus> LegalEdges() => ToTheoryData(Legal);

    public static TheoryData<JobStatus, JobStatus> IllegalEdges() =>
        ToTheoryData(AllPairs().Where(pair => !Legal.Contains(pair)));

    [Theory]
    [MemberData(nameof(LegalEdges))]
    public void Every_legal_edge_is_accepted_with_attempts_left(JobStatus from, JobStatus to)
    {
        Assert.True(JobTransitions.CanTransition(from, to, attempts: 0, maxAttempts: 3));
        JobTransitions.EnsureTransition(from, to, attempts: 0, maxAttempts: 3);
    }

    [Theory]
    [MemberData(nameof(IllegalEdges))]
    public void Every_other_pair_is_rejected(JobStatus from, JobStatus to)
    {
        Assert.False(JobTransitions.CanTransition(from, to));
        Assert.False(JobTransitions.CanTransition(from, to, attempts: 0, maxAttempts: 3));
        var error = Assert.Throws<IllegalTransitionException>(() => JobTransitions.EnsureTransition(from, to, 0, 3));
        Assert.Equal("job", error.Entity);
        Assert.Equal(from.ToWire(), error.From);
        Assert.Equal(to.ToWire(), error.To);
    }

    [Theory]
    [InlineData(JobStatus.AwaitingApproval, JobStatus.Failed)] // the original's reaper failed it, then retried it past approval
    [InlineData(JobStatus.AwaitingApproval, JobStatus.Running)]
    [InlineData(JobStatus.Pending, JobStatus.Completed)]
    [InlineData(JobStatus.AwaitingCsr, JobStatus.Completed)] // the CSR goes through the CA first
    [InlineData(JobStatus.AwaitingIssuer, JobStatus.Pending)]
    [InlineData(JobStatus.Completed, JobStatus.Cancelled)]
    [InlineData(JobStatus.Failed, JobStatus.Running)]
    [InlineData(JobStatus.Completed, JobStatus.Pending)]
    [InlineData(JobStatus.Cancelled, JobStatus.Pending)]
    [InlineData(JobStatus.Pending, JobStatus.Pending)]
    public void Representative_illegal_edges_are_rejected(JobStatus from, JobStatus to)
    {
        Assert.False(JobTransitions.CanTransition(from, to, attempts: 0, maxAttempts: 3));
        Assert.Throws<IllegalTransitionException>(() => JobTransitions.EnsureTransition(from, to));
    }

    [Fact]
    public void The_table_matches_the_written_rules()
    {
        Assert.Equal(Legal, JobTransitions.Table.Edges.ToHashSet());
    }

    [Theory]
    [InlineData(JobStatus.Completed)]
    [InlineData(JobStatus.Cancelled)]
    public void Completed_and_cancelled_have_no_exits(JobStatus terminal)
    {
        Assert.Empty(JobTransitions.Table.ExitsFrom(terminal));
        Assert.True(JobTransitions.IsTerminal(terminal, attempts: 0, maxAttempts: 3));
        Assert.All(Enum.GetValues<JobStatus>(), to => Assert.False(JobTransitions.CanTransition(terminal, to, 0, 3)));
    }

    [Theory]
    [InlineData(0, 3, true)]
    [InlineData(2, 3, true)]
    [InlineData(3, 3, false)]
    [InlineData(4, 3, false)]
    [InlineData(0, 0, false)]
    public void Retry_is_allowed_only_while_attempts_are_below_max(int attempts, int maxAttempts, bool allowed)
    {
        Assert.Equal(allowed, JobTransitions.CanRetry(attempts, maxAttempts));
        Assert.Equal(allowed, JobTransitions.CanTransition(JobStatus.Failed, JobStatus.Pending, attempts, maxAttempts));
        Assert.Equal(!allowed, JobTransitions.IsTerminal(JobStatus.Failed, attempts, maxAttempts));
    }

    [Fact]
    public void An_exhausted_retry_throws_and_says_why()
    {
        var error = Assert.Throws<IllegalTransitionException>(
            () => JobTransitions.EnsureTransition(JobStatus.Failed, JobStatus.Pending, attempts: 3, maxAttempts: 3));
        Assert.Equal("Failed", error.From);
        Assert.Equal("Pending", error.To);
        Assert.Contains("attempts", error.Message);
    }

    [Fact]
    public void A_retry_without_the_attempt_count_is_refused()
    {
        Assert.False(JobTransitions.CanTransition(JobStatus.Failed, JobStatus.Pending));
        Assert.Throws<IllegalTransitionException>(() => JobTransitions.EnsureTransition(JobStatus.Failed, JobStatus.Pending));
    }

    [Fact]
    public void Negative_attempt_counts_are_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => JobTransitions.CanRetry(-1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => JobTransitions.CanRetry(0, -1));
    }

    [Theory]
    [InlineData(JobStatus.Pending, true)]
    [InlineData(JobStatus.AwaitingCsr, true)]
    [InlineData(JobStatus.AwaitingApproval, true)]
    [InlineData(JobStatus.AwaitingIssuer, false)]
    [InlineData(JobStatus.Running, false)]
    [InlineData(JobStatus.Completed, false)]
    [InlineData(JobStatus.Failed, false)]
    [InlineData(JobStatus.Cancelled, false)]
    public void Jobs_are_created_only_in_their_initial_statuses(JobStatus status, bool allowed)
    {
        Assert.Equal(allowed, JobTransitions.CanCreateAs(status));
        if (allowed)
        {
            JobTransitions.EnsureCreatableAs(status);
        }
        else
        {
            var error = Assert.Throws<IllegalTransitionException>(() => JobTransitions.EnsureCreatableAs(status));
            Assert.Null(error.From);
        }
    }

    [Fact]
    public void Non_terminal_statuses_all_have_an_exit()
    {
        var open = Enum.GetValues<JobStatus>().Except([JobStatus.Completed, JobStatus.Cancelled]);
        Assert.All(open, status => Assert.False(JobTransitions.IsTerminal(status, attempts: 0, maxAttempts: 3)));
    }

    private static IEnumerable<(JobStatus, JobStatus)> AllPairs() =>
        from source in Enum.GetValues<JobStatus>()
        from target in Enum.GetValues<JobStatus>()
        select (source, target);

    private static TheoryData<JobStatus, JobStatus> ToTheoryData(IEnumerable<(JobStatus From, JobStatus To)> pairs)
    {
        var data = new TheoryData<JobStatus, JobStatus>();
        foreach (var (from, to) in pairs)
        {
            data.Add(from, to);
        }

        return data;
    }
}
