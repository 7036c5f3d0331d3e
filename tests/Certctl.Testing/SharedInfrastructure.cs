using Certctl.AppHost.Infrastructure;

namespace Certctl.Testing;

/// <summary>
/// The test process's one Postgres and one RabbitMQ, started on first use by whichever test class asks first and
/// shared by all (thread-safe). A failed start is remembered: every test then fails with the same clear message.
/// </summary>
public static class SharedInfrastructure
{
    /// <summary>Environment variable choosing the infrastructure: <c>auto</c> (default), <c>containers</c> or <c>local</c>.</summary>
    public const string ModeVariable = "CERTCTL_INFRASTRUCTURE";

    // Task.Run: the start must not run on (and block) xunit's synchronization context of the first caller.
    private static readonly Lazy<Task<TestInfrastructure>> Started = new(() => Task.Run(StartAsync), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The running infrastructure, starting it on the first call.</summary>
    public static Task<TestInfrastructure> GetAsync() => Started.Value;

    /// <summary>Stops the servers if they were started and are running; called by <see cref="CertctlTestFramework"/> after the last test.</summary>
    public static async Task StopAsync()
    {
        if (Started.IsValueCreated && Started.Value.IsCompletedSuccessfully)
        {
            await Started.Value.Result.StopAsync();
        }
    }

    /// <summary>Reads <see cref="ModeVariable"/>; Auto becomes Containers when <c>docker info</c> answers within five seconds, Local otherwise.</summary>
    public static InfrastructureMode ResolveMode()
    {
        var configured = Environment.GetEnvironmentVariable(ModeVariable);
        var mode = InfrastructureMode.Auto;
        if (!string.IsNullOrWhiteSpace(configured) && (!Enum.TryParse(configured.Trim(), ignoreCase: true, out mode) || !Enum.IsDefined(mode)))
        {
            throw new InfrastructureUnavailableException($"{ModeVariable} must be auto, containers or local; got '{configured}'.");
        }

        return mode switch
        {
            InfrastructureMode.Auto => ContainerRuntimeProbe.EngineAnswers(Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker") ? InfrastructureMode.Containers : InfrastructureMode.Local,
            _ => mode,
        };
    }

    private static Task<TestInfrastructure> StartAsync() => ResolveMode() switch
    {
        InfrastructureMode.Containers => ContainerInfrastructure.StartAsync(),
        _ => LocalInfrastructure.StartAsync(),
    };
}
