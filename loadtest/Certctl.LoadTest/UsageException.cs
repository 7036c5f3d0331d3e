namespace Certctl.LoadTest;

/// <summary>The command line asked for something the driver cannot do; exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
