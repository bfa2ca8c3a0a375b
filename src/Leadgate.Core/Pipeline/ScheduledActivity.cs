using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Qualification;

namespace Leadgate.Pipeline;

/// <summary>
/// An activity planned on a deal for later (a call, a meeting, an e-mail to send): while its due time is ahead and it is
/// not done, it keeps the deal warm. Done, it is logged as the activity it was, which touches the deal.
/// </summary>
public sealed class ScheduledActivity
{
    private ScheduledActivity()
    {
        ActorName = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid DealId { get; private set; }

    public Guid LeadId { get; private set; }

    public ActivityType Type { get; private set; }

    public string? Notes { get; private set; }

    public DateTimeOffset DueAt { get; private set; }

    public DateTimeOffset? DoneAt { get; private set; }

    /// <summary>The logged activity it became when done.</summary>
    public Guid? ActivityId { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public Guid? UserId { get; private set; }

    public string ActorName { get; private set; }

    internal static Result<ScheduledActivity> Create(Deal deal, ActivityType type, string? notes, DateTimeOffset dueAt, Actor by, DateTimeOffset now)
    {
        if (notes?.Length > Activity.MaxNotesLength)
        {
            return Invalid.Field("notes", $"Notes are at most {Activity.MaxNotesLength} characters.");
        }

        if (dueAt <= now)
        {
            return Invalid.Field("dueAt", "A scheduled activity is due in the future; log one that happened without dueAt.");
        }

        return new ScheduledActivity
        {
            Id = Ids.New(now),
            OrganisationId = deal.OrganisationId,
            DealId = deal.Id,
            LeadId = deal.LeadId,
            Type = type,
            Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim(),
            DueAt = dueAt.ToUniversalTime(),
            CreatedAt = now,
            UserId = by.UserId,
            ActorName = by.Name,
        };
    }

    internal Result<Done> MarkDone(Activity logged, DateTimeOffset at)
    {
        if (DoneAt is not null)
        {
            return new Conflict("activity-done", "This activity is done already.");
        }

        DoneAt = at;
        ActivityId = logged.Id;
        return Done.Value;
    }
}

/// <summary>A rate an admin keeps: one unit of <see cref="Currency"/> is worth <see cref="Rate"/> of the organisation's currency.</summary>
public sealed class ExchangeRate
{
    private ExchangeRate()
    {
        Currency = null!;
    }

    public Guid OrganisationId { get; private set; }

    public string Currency { get; private set; }

    public decimal Rate { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    internal static ExchangeRate Create(Guid organisationId, string currency, decimal rate, DateTimeOffset at) => new()
    {
        OrganisationId = organisationId,
        Currency = currency,
        Rate = rate,
        ChangedAt = at,
    };

    internal void Change(decimal rate, DateTimeOffset at)
    {
        if (rate != Rate)
        {
            Rate = rate;
            ChangedAt = at;
        }
    }
}
