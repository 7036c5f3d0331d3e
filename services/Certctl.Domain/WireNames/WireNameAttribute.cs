namespace Certctl.Domain;

/// <summary>Names an enum member on the wire and in the database when the C# name differs.</summary>
/// <remarks>Without it a member's wire name is its C# name; the DB CHECK constraints hold these exact strings.</remarks>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class WireNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
