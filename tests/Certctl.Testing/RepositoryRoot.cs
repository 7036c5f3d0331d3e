namespace Certctl.Testing;

/// <summary>Finds the repository (the folder holding <c>Certctl.sln</c>) from the test binaries' folder.</summary>
public static class RepositoryRoot
{
    /// <summary>The repository root; throws when the tests run outside a checkout.</summary>
    public static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Certctl.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InfrastructureUnavailableException(
            $"No Certctl.sln above {AppContext.BaseDirectory}: the local infrastructure scripts live in the repository, so run the tests from a checkout.");
    }
}
