// Stops the shared Postgres and RabbitMQ after the last test, while the test host is still allowed to run.
[assembly: TestFramework(CertctlTestFramework.TypeName, CertctlTestFramework.AssemblyName)]
