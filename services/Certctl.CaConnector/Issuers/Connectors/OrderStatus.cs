using Certctl.Issuance;

namespace Certctl.CaConnector.Issuers;

/// <summary>Where an async CA's order stands: issued (with the certificate), still pending, or rejected for good.</summary>
public sealed record OrderStatus(OrderState State, string Message, IssuedCertificate? Certificate = null)
{
    public static OrderStatus Issued(IssuedCertificate certificate) => new(OrderState.Issued, "issued", certificate);

    public static OrderStatus Pending(string message) => new(OrderState.Pending, message);

    public static OrderStatus Rejected(string message) => new(OrderState.Rejected, message);
}

/// <summary>The three outcomes of a poll that reached the CA.</summary>
public enum OrderState
{
    Pending,
    Issued,
    Rejected,
}
