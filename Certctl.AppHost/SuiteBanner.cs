using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;

namespace Certctl.AppHost;

/// <summary>Prints one banner when every long-running resource is healthy: how long the start took, the gateway URL and the API key.</summary>
internal static class SuiteBanner
{
    public static void AnnounceWhenReady(
        IDistributedApplicationBuilder builder, IReadOnlyCollection<IResource> resources, int gatewayPort, OperatorApiKey apiKey)
    {
        var started = Stopwatch.StartNew();
        var waiting = resources.Select(resource => resource.Name).ToHashSet();
        var gate = new object();
        foreach (var resource in resources)
        {
            builder.Eventing.Subscribe<ResourceReadyEvent>(resource, async (_, cancellationToken) =>
            {
                lock (gate)
                {
                    if (!waiting.Remove(resource.Name) || waiting.Count > 0)
                    {
                        return;
                    }
                }

                var url = $"http://localhost:{gatewayPort}";
                Console.WriteLine();
                Console.WriteLine($"  Certctl is up: {resources.Count} resources healthy {started.Elapsed.TotalSeconds:F1} s after the AppHost started.");
                Console.WriteLine($"  Gateway:          {url}   (health: {url}/health)");
                Console.WriteLine($"  Operator API key: {await apiKey.DescribeAsync(cancellationToken)}");
                Console.WriteLine();
            });
        }
    }
}
