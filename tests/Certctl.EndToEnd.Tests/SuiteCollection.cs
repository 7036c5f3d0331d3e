namespace Certctl.EndToEnd.Tests;

/// <summary>One running suite for every end-to-end test class: starting the AppHost twice would only cost time.</summary>
[CollectionDefinition(Name)]
public sealed class SuiteCollection : ICollectionFixture<SuiteFixture>
{
    public const string Name = "suite";
}
