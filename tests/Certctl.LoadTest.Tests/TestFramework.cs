using Certctl.Testing;

// Stops the shared Postgres and RabbitMQ after the last test (only the seed fixture's database tests start them).
[assembly: TestFramework(CertctlTestFramework.TypeName, CertctlTestFramework.AssemblyName)]
