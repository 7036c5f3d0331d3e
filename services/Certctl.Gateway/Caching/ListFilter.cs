using Npgsql;

namespace Certctl.Gateway.Caching;

/// <summary>A list filter with a fixed predicate and no parameters, for lists that take no filter from the query.</summary>
public sealed class ListFilter(string alias, string predicate) : IListFilter
{
    /// <summary>Every row of the table.</summary>
    public static ListFilter All(string alias) => new(alias, "TRUE");

    public string Alias { get; } = alias;

    public string Predicate(NpgsqlCommand command) => predicate;
}
