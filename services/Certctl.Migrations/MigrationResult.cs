namespace Certctl.Migrations;

/// <summary>What one migration run did: the schema scripts newly applied and the seed scripts run.</summary>
/// <param name="SchemaScriptsApplied">Journaled schema scripts applied by this run, in order; empty when the schema was already current.</param>
/// <param name="SeedScriptsRun">Seed scripts executed by this run; they run on every run because they are idempotent.</param>
public sealed record MigrationResult(IReadOnlyList<string> SchemaScriptsApplied, IReadOnlyList<string> SeedScriptsRun)
{
    /// <summary>True when this run changed the schema.</summary>
    public bool SchemaChanged => SchemaScriptsApplied.Count > 0;
}
