// The agent is built for Linux hosts only; so are its tests.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
