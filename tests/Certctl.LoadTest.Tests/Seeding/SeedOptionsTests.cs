using Certctl.LoadTest.Seeding;

namespace Certctl.LoadTest.Tests.Seeding;

public class SeedOptionsTests
{
    private const string Connection = "Host=127.0.0.1;Port=5432;Username=postgres;Password=pw;Database=certctl";

    [Fact]
    public void Parses_a_typical_command_line()
    {
        var options = SeedOptions.Parse(["bulk_renewal", "--database", Connection, "--count", "10_000", "--reset-jobs"], _ => null);

        Assert.Equal("bulk_renewal", options.Fixture);
        Assert.Equal(Connection, options.Database);
        Assert.Equal(10_000, options.Count);
        Assert.True(options.ResetJobs);
        Assert.False(options.Remove);
    }

    [Fact]
    public void Leaves_the_count_to_the_fixture_and_reads_the_database_from_the_environment_when_not_given()
    {
        var options = SeedOptions.Parse(["certificate_list"], name => name == DatabaseTarget.EnvironmentVariable ? Connection : null);

        Assert.Null(options.Count);
        Assert.Equal(Connection, options.Database);
    }

    [Fact]
    public void The_option_wins_over_the_environment()
    {
        var options = SeedOptions.Parse(["bulk_renewal", "--database=Host=localhost"], _ => Connection);

        Assert.Equal("Host=localhost", options.Database);
    }

    [Fact]
    public void Recognises_remove_and_help()
    {
        Assert.True(SeedOptions.Parse(["bulk_renewal", "--remove"], _ => null).Remove);
        Assert.True(SeedOptions.Parse(["--help"], _ => null).ShowHelp);
    }

    [Theory]
    [InlineData("bulk_renewal", "--count")]
    [InlineData("bulk_renewal", "--count", "0")]
    [InlineData("bulk_renewal", "--count", "-5")]
    [InlineData("bulk_renewal", "--count", "many")]
    [InlineData("bulk_renewal", "--remove", "--reset-jobs")]
    [InlineData("bulk_renewal", "--remove", "--count", "10")]
    [InlineData("bulk_renewal", "certificate_list")]
    [InlineData("bulk_renewal", "--rate", "5")]
    public void Refuses_what_it_cannot_do(params string[] args)
    {
        Assert.Throws<UsageException>(() => SeedOptions.Parse(args, _ => null));
    }
}
