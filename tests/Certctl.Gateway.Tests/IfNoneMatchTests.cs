using Certctl.Gateway.Caching;
using Microsoft.AspNetCore.Http;

namespace Certctl.Gateway.Tests;

/// <summary>If-None-Match as RFC 9110 defines it: lists, <c>*</c>, weak comparison; and the tag's inputs.</summary>
public sealed class IfNoneMatchTests
{
    private const string Current = "\"abc\"";

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("W/\"abc\"")]
    [InlineData("\"x\", \"abc\"")]
    [InlineData("\"x\",W/\"abc\" , \"y\"")]
    [InlineData("*")]
    public void Matching_conditions(string header) => Assert.True(IfNoneMatch.Matches(Request(header), Current));

    [Theory]
    [InlineData(null)]
    [InlineData("\"abcd\"")]
    [InlineData("abc")]
    [InlineData("\"ABC\"")]
    [InlineData("W/abc")]
    public void Conditions_that_do_not_match(string? header) => Assert.False(IfNoneMatch.Matches(Request(header), Current));

    [Fact]
    public void The_tag_depends_on_version_table_path_and_every_query_value_but_not_on_parameter_order_or_key_case()
    {
        var tag = ListETag.For("agents", new ListVersion(7, 0, 0), "/api/v1/agents", Query("status=Online&limit=10"));

        Assert.Matches("^\"[A-Za-z0-9_-]{43}\"$", tag);
        Assert.Equal(tag, ListETag.For("agents", new ListVersion(7, 0, 0), "/api/v1/agents", Query("limit=10&Status=Online")));
        Assert.NotEqual(tag, ListETag.For("agents", new ListVersion(8, 0, 0), "/api/v1/agents", Query("status=Online&limit=10")));
        Assert.NotEqual(tag, ListETag.For("jobs", new ListVersion(7, 0, 0), "/api/v1/agents", Query("status=Online&limit=10")));
        Assert.NotEqual(tag, ListETag.For("agents", new ListVersion(7, 0, 0), "/api/v1/agents/retired", Query("status=Online&limit=10")));
        Assert.NotEqual(tag, ListETag.For("agents", new ListVersion(7, 0, 0), "/api/v1/agents", Query("status=Online&limit=11")));
        Assert.NotEqual(tag, ListETag.For("agents", new ListVersion(7, 0, 0), "/api/v1/agents", Query("status=Online&limit=10&cursor=x")));
        Assert.NotEqual(
            ListETag.For("agents", new ListVersion(7, 0, 0), "/api/v1/agents", Query("a=1&b=2")),
            ListETag.For("agents", new ListVersion(7, 0, 0), "/api/v1/agents", Query("a=1%26b%3D2")));
    }

    private static HttpRequest Request(string? ifNoneMatch)
    {
        var context = new DefaultHttpContext();
        if (ifNoneMatch is not null)
        {
            context.Request.Headers.IfNoneMatch = ifNoneMatch;
        }

        return context.Request;
    }

    private static IQueryCollection Query(string query) => new DefaultHttpContext { Request = { QueryString = new QueryString("?" + query) } }.Request.Query;
}
