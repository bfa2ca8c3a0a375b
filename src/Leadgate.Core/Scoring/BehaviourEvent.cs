using Leadgate.Common;

namespace Leadgate.Scoring;

/// <summary>
/// Something a lead did, as an integration reported it. The external id is unique per organisation, so a retried or
/// replayed event is recognised; <see cref="BodyHash"/> tells a harmless repeat from the same id with another body.
/// Append-only.
/// </summary>
public sealed class BehaviourEvent
{
    public const int MaxExternalIdLength = 200;
    public const int MaxPropertiesLength = 16_000;

    private BehaviourEvent()
    {
        ExternalId = null!;
        BodyHash = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid LeadId { get; private set; }

    public string ExternalId { get; private set; }

    public BehaviourType Type { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>The event's properties as the sender gave them (a JSON object), or null.</summary>
    public string? Properties { get; private set; }

    public DateTimeOffset ReceivedAt { get; private set; }

    public string BodyHash { get; private set; }

    internal static BehaviourEvent Record(Guid organisationId, Guid leadId, string externalId, BehaviourType type, DateTimeOffset occurredAt, string? properties, string bodyHash, DateTimeOffset receivedAt) => new()
    {
        Id = Ids.New(receivedAt),
        OrganisationId = organisationId,
        LeadId = leadId,
        ExternalId = externalId,
        Type = type,
        OccurredAt = occurredAt,
        Properties = properties,
        BodyHash = bodyHash,
        ReceivedAt = receivedAt,
    };

    public ScoredEvent ToScored() => new(ExternalId, Type, OccurredAt);
}
