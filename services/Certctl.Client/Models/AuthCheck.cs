namespace Certctl.Client.Models;

/// <summary>Whose key this is and whether it may do admin work: <c>GET /api/v1/auth/check</c>.</summary>
public sealed record AuthCheck(string Status, string User, bool Admin);
