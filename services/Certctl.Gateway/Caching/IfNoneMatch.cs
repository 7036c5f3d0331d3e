using Microsoft.Net.Http.Headers;

namespace Certctl.Gateway.Caching;

/// <summary>RFC 9110 §13.1.2 If-None-Match: a list of tags or <c>*</c>, compared weakly (<c>W/"x"</c> matches <c>"x"</c>).</summary>
public static class IfNoneMatch
{
    /// <summary>True when the request's If-None-Match matches <paramref name="currentTag"/> (a quoted tag), so the answer is 304.</summary>
    public static bool Matches(HttpRequest request, string currentTag)
    {
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0 || !EntityTagHeaderValue.TryParseList(header, out var conditions))
        {
            return false; // absent or malformed: answer in full
        }

        var current = new EntityTagHeaderValue(currentTag);
        foreach (var condition in conditions)
        {
            // "*" matches any current representation, and a list always has one.
            if (condition.Equals(EntityTagHeaderValue.Any) || condition.Compare(current, useStrongComparison: false))
            {
                return true;
            }
        }

        return false;
    }
}
