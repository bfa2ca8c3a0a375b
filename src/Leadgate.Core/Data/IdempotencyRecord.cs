namespace Leadgate.Data;

/// <summary>
/// The stored answer to a write sent with an Idempotency-Key, kept per user so that a retry gets the same answer and
/// changes nothing. It is written in the same transaction as the change it answers.
/// </summary>
public sealed class IdempotencyRecord
{
    public Guid OrganisationId { get; set; }

    public Guid UserId { get; set; }

    public string Key { get; set; } = "";

    /// <summary>SHA-256 of method, path and body: the same key with another request is refused.</summary>
    public string RequestHash { get; set; } = "";

    public int StatusCode { get; set; }

    public string? Location { get; set; }

    public string? ETag { get; set; }

    public string? ContentType { get; set; }

    public byte[]? Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
