using System.Globalization;

namespace Certctl.Gateway.Caching;

/// <summary>
/// Where a change journal stands for one filter, as one snapshot sees it (migration 0014). Any committed change to the rows
/// the filter selects gives a later snapshot a different value; a value can also move without a change (when the snapshot's
/// xmin passes a matching row), which only costs one spurious 200.
/// </summary>
/// <param name="Settled">The highest matching journal version (transaction id) below the snapshot's xmin, or the pruning horizon if higher.</param>
/// <param name="Unsettled">How many matching journal rows are at or above the snapshot's xmin (that region only gains rows while xmin stays).</param>
/// <param name="Truncations">How many times the table was truncated (a truncation empties its journal).</param>
public readonly record struct ListVersion(long Settled, long Unsettled, long Truncations)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Settled}.{Unsettled}.{Truncations}");
}
