using Certctl.Gateway.Problems;
using Microsoft.AspNetCore.Mvc;

namespace Certctl.Gateway.Paging;

/// <summary>
/// A list request's <c>limit</c> (1–500, default 50) and opaque <c>cursor</c>, bound with <c>[AsParameters] PageRequest page</c>.
/// A limit out of range is a 400 validation problem; it is never silently replaced.
/// </summary>
public sealed record PageRequest
{
    /// <summary>Page size when <c>limit</c> is absent.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Largest page a client may ask for.</summary>
    public const int MaxLimit = 500;

    /// <summary>Binds and validates <c>?limit=&amp;cursor=</c>; an empty cursor means the first page.</summary>
    /// <remarks>Named explicitly: <c>[AsParameters]</c> otherwise takes the property names, and the OpenAPI document would say <c>Limit</c> and <c>Cursor</c>.</remarks>
    public PageRequest([FromQuery(Name = "limit")] int limit = DefaultLimit, [FromQuery(Name = "cursor")] string? cursor = null)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw DomainProblemException.Validation("limit", $"must be between 1 and {MaxLimit}");
        }

        Limit = limit;
        Cursor = string.IsNullOrEmpty(cursor) ? null : cursor;
    }

    /// <summary>Rows per page.</summary>
    public int Limit { get; }

    /// <summary>The opaque position to continue after, or null for the first page.</summary>
    public string? Cursor { get; }
}
