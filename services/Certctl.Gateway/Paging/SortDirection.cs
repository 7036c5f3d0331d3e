namespace Certctl.Gateway.Paging;

/// <summary>Direction of a keyset order.</summary>
public enum SortDirection
{
    /// <summary>Oldest first; rows inserted during a walk with later keys still appear on later pages.</summary>
    Ascending,

    /// <summary>Newest first.</summary>
    Descending,
}
