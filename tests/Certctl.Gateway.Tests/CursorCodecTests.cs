using Certctl.Gateway.Paging;
using Certctl.Gateway.Problems;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Certctl.Gateway.Tests;

/// <summary>Cursors round-trip exactly, and anything altered, foreign or made under another key is refused with a 400.</summary>
public sealed class CursorCodecTests
{
    private static readonly TimestampIdKeyset Ascending = new("created_at", "id", SortDirection.Ascending);
    private static readonly TimestampIdKeyset Descending = new("created_at", "id", SortDirection.Descending);
    private static readonly KeysetPosition Position = new(new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234560), "mc-api-prod");

    [Fact]
    public void A_cursor_round_trips_to_the_microsecond()
    {
        var codec = Codec("k-0123456789abcdef0123456789abcdef");

        var decoded = codec.Decode(codec.Encode(Ascending, Position), Ascending);

        Assert.Equal(Position, decoded);
    }

    [Fact]
    public void A_cursor_is_opaque_url_safe_text()
    {
        var cursor = Codec("k-0123456789abcdef0123456789abcdef").Encode(Ascending, Position);

        Assert.Matches("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$", cursor);
    }

    [Fact]
    public void No_cursor_means_the_first_page()
    {
        Assert.Null(Codec(null).Decode(null, Ascending));
        Assert.Null(Codec(null).Decode(string.Empty, Ascending));
    }

    [Fact]
    public void Every_altered_character_is_refused()
    {
        var codec = Codec("k-0123456789abcdef0123456789abcdef");
        var cursor = codec.Encode(Ascending, Position);

        for (var i = 0; i < cursor.Length; i++)
        {
            var altered = cursor.ToCharArray();
            altered[i] = altered[i] == 'A' ? 'B' : 'A';
            AssertRefused(() => codec.Decode(new string(altered), Ascending));
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b")]
    [InlineData(".")]
    [InlineData("eyJ2IjoxfQ")]
    [InlineData("eyJ2IjoxLCJvIjoiY3JlYXRlZF9hdCxpZDphc2MiLCJrIjpbIjIwMjYtMDEtMDFUMDA6MDA6MDBaIiwieCJdfQ.AAAA")]
    public void Made_up_cursors_are_refused(string cursor) => AssertRefused(() => Codec(null).Decode(cursor, Ascending));

    [Fact]
    public void A_cursor_from_another_order_is_refused()
    {
        var codec = Codec(null);

        AssertRefused(() => codec.Decode(codec.Encode(Ascending, Position), Descending));
    }

    [Fact]
    public void A_cursor_signed_with_another_key_is_refused()
    {
        var cursor = Codec("k-0123456789abcdef0123456789abcdef").Encode(Ascending, Position);

        AssertRefused(() => Codec("k-fedcba9876543210fedcba9876543210").Decode(cursor, Ascending));
        AssertRefused(() => Codec(null).Decode(cursor, Ascending));
    }

    [Fact]
    public void Replicas_sharing_the_key_read_each_others_cursors()
    {
        var cursor = Codec("k-0123456789abcdef0123456789abcdef").Encode(Descending, Position);

        Assert.Equal(Position, Codec("k-0123456789abcdef0123456789abcdef").Decode(cursor, Descending));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    [InlineData(-1)]
    public void A_limit_out_of_range_is_a_validation_problem(int limit)
    {
        var problem = Assert.Throws<DomainProblemException>(() => new PageRequest(limit));

        Assert.Equal(400, problem.Status);
        Assert.Equal(["must be between 1 and 500"], problem.Errors!["limit"]);
    }

    [Fact]
    public void Column_names_must_be_plain_identifiers()
    {
        Assert.Throws<ArgumentException>(() => new TimestampIdKeyset("created_at; DROP TABLE teams", "id", SortDirection.Ascending));
        Assert.Equal("(mc.created_at, mc.id) > (@keyset_ts, @keyset_id)",
            new TimestampIdKeyset("mc.created_at", "mc.id", SortDirection.Ascending).After(Position));
        Assert.Equal("(created_at, id) < (@keyset_ts, @keyset_id)", Descending.After(Position));
        Assert.Equal("TRUE", Descending.After(null));
        Assert.Equal("created_at DESC, id DESC", Descending.OrderBy);
    }

    private static CursorCodec Codec(string? key) =>
        new(Options.Create(new CursorOptions { Key = key }), NullLogger<CursorCodec>.Instance);

    private static void AssertRefused(Func<KeysetPosition?> decode)
    {
        var problem = Assert.Throws<DomainProblemException>(() => decode());
        Assert.Equal(400, problem.Status);
        Assert.True(problem.Errors!.ContainsKey("cursor"));
    }
}
