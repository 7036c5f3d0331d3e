using Npgsql;

namespace Certctl.Gateway.Caching;

/// <summary>
/// The filter of a polled list, as a SQL predicate over the columns the list filters on, qualified with <see cref="Alias"/>.
/// The table's change journal (<c>&lt;table&gt;_changes</c>, migration 0008) repeats those columns under the same names,
/// so the one predicate selects the list's rows and the changes that entered, left or changed that set.
/// </summary>
public interface IListFilter
{
    /// <summary>The alias the predicate qualifies its columns with (<c>c</c> in <c>c.status = @status</c>).</summary>
    string Alias { get; }

    /// <summary>The predicate (<c>TRUE</c> when nothing is filtered); adds its parameters to <paramref name="command"/>. Throws a validation problem on a bad value.</summary>
    string Predicate(NpgsqlCommand command);
}
