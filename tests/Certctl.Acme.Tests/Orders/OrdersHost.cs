using Certctl.Acme.Orders;
using Certctl.Acme.RateLimiting;
using Certctl.Acme.Validation;
using Certctl.ServiceDefaults;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Certctl.Acme.Tests.Orders;

/// <summary>
/// The order services as the ACME service registers them (<see cref="AcmeOrderServiceExtensions.AddAcmeOrders"/>) on a plain host: the
/// test database, a scripted rate limiter and validators, and MassTransit's in-memory harness or, with an AMQP URI, the real RabbitMQ.
/// </summary>
internal sealed class OrdersHost : IAsyncDisposable
{
    private readonly IHost _host;

    private OrdersHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public ScriptedRateLimiter RateLimiter => Services.GetRequiredService<ScriptedRateLimiter>();

    public ITestHarness Harness => Services.GetRequiredService<ITestHarness>();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<OrdersHost> StartAsync(
        string connectionString, ITestOutputHelper output, Uri? amqp = null, params IChallengeValidator[] validators)
    {
        var builder = Host.CreateApplicationBuilder();
        var settings = new Dictionary<string, string?> { [$"ConnectionStrings:{DatabaseDefaults.ConnectionName}"] = connectionString };
        if (amqp is not null)
        {
            settings[$"ConnectionStrings:{MessagingDefaults.ConnectionName}"] = amqp.ToString();
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders().AddTestOutput(output).AddFilter("Microsoft", LogLevel.Warning).AddFilter("MassTransit", LogLevel.Warning);
        builder.AddCertctlDatabase();
        if (amqp is null)
        {
            builder.Services.AddMassTransitTestHarness(bus => bus.AddAcmeOrderConsumers());
        }
        else
        {
            builder.AddCertctlMessaging(bus => bus.AddAcmeOrderConsumers());
        }

        builder.AddAcmeOrders();
        builder.Services.AddSingleton<ScriptedRateLimiter>();
        builder.Services.TryAddSingleton<IAcmeRateLimiter>(sp => sp.GetRequiredService<ScriptedRateLimiter>());
        foreach (var validator in validators)
        {
            builder.Services.AddSingleton(validator);
        }

        var host = builder.Build();
        await host.StartAsync();
        return new OrdersHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}

/// <summary>A rate limiter that allows until told to refuse, and records what was spent (<see cref="Requests"/>) and only checked.</summary>
internal sealed class ScriptedRateLimiter : IAcmeRateLimiter
{
    private readonly Lock _gate = new();

    public List<(AcmeRateLimit Limit, string Subject)> Requests { get; } = [];

    public List<(AcmeRateLimit Limit, string Subject)> Checks { get; } = [];

    public TimeSpan? RefuseWith { get; set; }

    /// <summary>What was spent so far, copied under the lock (the validation worker spends from its own task).</summary>
    public List<(AcmeRateLimit Limit, string Subject)> Spent()
    {
        lock (_gate)
        {
            return [.. Requests];
        }
    }

    public ValueTask<RateLimitDecision> TryAcquireAsync(AcmeRateLimit limit, string subject, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Requests.Add((limit, subject));
        }

        return ValueTask.FromResult(RefuseWith is { } wait ? RateLimitDecision.Refuse(wait) : RateLimitDecision.Allow);
    }

    public ValueTask<RateLimitDecision> CheckAsync(AcmeRateLimit limit, string subject, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Checks.Add((limit, subject));
        }

        return ValueTask.FromResult(RefuseWith is { } wait ? RateLimitDecision.Refuse(wait) : RateLimitDecision.Allow);
    }
}

/// <summary>A validator of one type that answers what it is told, after the test releases it.</summary>
internal sealed class ScriptedValidator(string type, ChallengeValidationResult result) : IChallengeValidator
{
    public string Type { get; } = type;

    public List<ChallengeValidationRequest> Requests { get; } = [];

    public Task<ChallengeValidationResult> ValidateAsync(ChallengeValidationRequest request, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        return Task.FromResult(result);
    }
}
