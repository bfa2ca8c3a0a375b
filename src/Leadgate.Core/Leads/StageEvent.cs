using Leadgate.Accounts;
using Leadgate.Common;

namespace Leadgate.Leads;

/// <summary>An immutable record of one change of stage: who (a user or a named rule), when, why, and the evidence.</summary>
public sealed class StageEvent
{
    private StageEvent()
    {
        ActorName = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid LeadId { get; private set; }

    public Stage? From { get; private set; }

    public Stage To { get; private set; }

    public DateTimeOffset At { get; private set; }

    public ActorKind ActorKind { get; private set; }

    public Guid? ActorUserId { get; private set; }

    public string ActorName { get; private set; }

    public string? Reason { get; private set; }

    public string? Note { get; private set; }

    /// <summary>The activity that proves the conversation, for Mql → Sql.</summary>
    public Guid? EvidenceActivityId { get; private set; }

    internal static StageEvent Record(Lead lead, Stage? from, Stage to, Actor by, DateTimeOffset at, string? reason, string? note, Guid? evidence) => new()
    {
        Id = Ids.New(at),
        OrganisationId = lead.OrganisationId,
        LeadId = lead.Id,
        From = from,
        To = to,
        At = at,
        ActorKind = by.Kind,
        ActorUserId = by.UserId,
        ActorName = by.Name,
        Reason = reason,
        Note = note,
        EvidenceActivityId = evidence,
    };
}
