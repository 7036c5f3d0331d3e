namespace Certctl.Gateway.Bulk;

/// <summary>Skip counts of a bulk operation, by reason; nothing a client named is dropped without a count.</summary>
internal sealed class BulkSkips
{
    public const string NotFound = "not found";
    public const string FilterMismatch = "does not match filter";
    public const string RenewalActive = "renewal already active";
    public const string NoIssuedVersion = "no issued version";
    public const string Unchanged = "unchanged";

    private readonly SortedDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int Total => _counts.Values.Sum();

    public IReadOnlyDictionary<string, int> Counts => _counts;

    public void Add(string reason, int count = 1)
    {
        if (count > 0)
        {
            _counts[reason] = _counts.GetValueOrDefault(reason) + count;
        }
    }

    /// <summary>The reason for skipping a certificate because of its status, e.g. <c>status Archived</c>.</summary>
    public static string Status(string status) => $"status {status}";
}
