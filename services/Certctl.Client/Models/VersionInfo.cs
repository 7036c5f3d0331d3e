namespace Certctl.Client.Models;

/// <summary>The build of Certctl that answers: <c>GET /api/v1/version</c>.</summary>
public sealed record VersionInfo(string Version);
