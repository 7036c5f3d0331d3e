using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Certctl.Testing;

/// <summary>Sends <see cref="ILogger"/> output to xunit's per-test output, so a failing test shows what the code under test logged.</summary>
public static class TestOutputLogging
{
    /// <summary>A logger writing to <paramref name="output"/>.</summary>
    public static ILogger CreateLogger(this ITestOutputHelper output, string category) => new TestOutputLogger(output, category);

    /// <summary>Adds <paramref name="output"/> as a logging provider of a host under test.</summary>
    public static ILoggingBuilder AddTestOutput(this ILoggingBuilder logging, ITestOutputHelper output)
    {
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider>(new TestOutputLoggerProvider(output)));
        return logging;
    }

    private sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new TestOutputLogger(output, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class TestOutputLogger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel,-11} {category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                line += Environment.NewLine + exception;
            }

            try
            {
                output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // xunit refuses output once its test has finished (a host still stopping); nothing to show it to.
            }
        }
    }
}
