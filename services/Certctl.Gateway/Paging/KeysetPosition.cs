namespace Certctl.Gateway.Paging;

/// <summary>A row's place in a (timestamp, id) keyset order: the sort-key values a cursor carries.</summary>
public sealed record KeysetPosition(DateTimeOffset Timestamp, string Id);
