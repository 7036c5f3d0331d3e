// The agent deploys to Unix file systems (modes, owners, /bin/sh) under systemd; it is not built for Windows hosts.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
