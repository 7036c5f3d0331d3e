using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Certctl.Testing;

/// <summary>
/// xunit's own framework plus one step: after the last test class, before the run is reported finished, the shared
/// servers are stopped and their folder removed. Register it in each test assembly with
/// <c>[assembly: TestFramework(CertctlTestFramework.TypeName, CertctlTestFramework.AssemblyName)]</c>.
/// </summary>
/// <remarks>
/// Process exit is too late under <c>dotnet test</c>: the test platform kills the test host about 100 ms after the
/// run's results are in (VSTEST_TESTHOST_SHUTDOWN_TIMEOUT), and RabbitMQ takes longer than that to stop.
/// </remarks>
public sealed class CertctlTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    /// <summary>The full type name, for <c>[assembly: TestFramework]</c>.</summary>
    public const string TypeName = "Certctl.Testing.CertctlTestFramework";

    /// <summary>The assembly name, for <c>[assembly: TestFramework]</c>.</summary>
    public const string AssemblyName = "Certctl.Testing";

    /// <inheritdoc />
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(
            IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(
        ITestAssembly testAssembly,
        IEnumerable<IXunitTestCase> testCases,
        IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink,
        ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            try
            {
                await SharedInfrastructure.StopAsync();
            }
            catch (Exception exception)
            {
                // Never turn a green run red over clean-up; the scripts' watchdogs and the next run's sweep remain.
                DiagnosticMessageSink.OnMessage(new DiagnosticMessage($"Certctl.Testing: stopping the shared servers failed: {exception}"));
            }

            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
