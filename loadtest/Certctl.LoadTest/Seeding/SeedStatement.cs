namespace Certctl.LoadTest.Seeding;

/// <summary>One SQL statement of the seed fixture and the values of its <c>@name</c> parameters (strings, ints and doubles only).</summary>
public sealed record SeedStatement(string Sql, IReadOnlyDictionary<string, object> Parameters);
