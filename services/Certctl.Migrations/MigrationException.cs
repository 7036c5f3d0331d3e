namespace Certctl.Migrations;

/// <summary>Thrown when the database cannot be created, locked, migrated or seeded.</summary>
public sealed class MigrationException : Exception
{
    /// <summary>Creates the exception with a message naming the failed step (and script, if any).</summary>
    public MigrationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
