using System.Linq.Expressions;
using Leadgate.Accounts;
using Leadgate.Common;

namespace Leadgate.Qualification;

public enum ActivityType
{
    Call,
    Email,
    Meeting,
    Note,
}

public enum Direction
{
    Outbound,
    Inbound,
}

public enum ActivityOutcome
{
    NoAnswer,
    Voicemail,
    Connected,
    MeetingBooked,
    MeetingHeld,
    Sent,
    Received,
}

/// <summary>A logged touch with a lead: a call, e-mail, meeting or note, with its direction and outcome.</summary>
public sealed class Activity
{
    public const int MaxNotesLength = 10_000;

    private Activity()
    {
        ActorName = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid LeadId { get; private set; }

    public Guid? DealId { get; private set; }

    public ActivityType Type { get; private set; }

    public Direction Direction { get; private set; }

    public ActivityOutcome? Outcome { get; private set; }

    public string? Notes { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    public DateTimeOffset LoggedAt { get; private set; }

    public Guid? UserId { get; private set; }

    public string ActorName { get; private set; }

    /// <summary>
    /// The reply an outreach agency received and handed over with the lead: context for the client's sales, never the
    /// client's own conversation with the person (glossary, "two-way conversation").
    /// </summary>
    public bool FromAgency { get; private set; }

    /// <summary>
    /// A two-way conversation (glossary): a call or meeting where the person was reached, or an inbound e-mail from them,
    /// with this organisation's own sales: a reply an agency handed over does not count.
    /// </summary>
    public bool IsTwoWayConversation => !FromAgency && Type switch
    {
        ActivityType.Call or ActivityType.Meeting => Outcome is ActivityOutcome.Connected or ActivityOutcome.MeetingHeld,
        ActivityType.Email => Direction == Direction.Inbound,
        ActivityType.Note => false,
    };

    /// <summary>The same rule as <see cref="IsTwoWayConversation"/>, for queries.</summary>
    public static readonly Expression<Func<Activity, bool>> TwoWayConversation = a =>
        !a.FromAgency
        && (((a.Type == ActivityType.Call || a.Type == ActivityType.Meeting)
                && (a.Outcome == ActivityOutcome.Connected || a.Outcome == ActivityOutcome.MeetingHeld))
            || (a.Type == ActivityType.Email && a.Direction == Direction.Inbound));

    /// <summary>An attempt to reach the person that sales made: it moves a new MQL to Attempting.</summary>
    public bool IsOutboundTouch => Direction == Direction.Outbound && Type != ActivityType.Note;

    internal static Result<Activity> Create(
        Guid organisationId, Guid leadId, Guid? dealId, ActivityType type, Direction direction, ActivityOutcome? outcome,
        string? notes, DateTimeOffset occurredAt, Actor by, DateTimeOffset now, bool fromAgency = false)
    {
        var errors = new Dictionary<string, string[]>();
        var allowed = AllowedOutcomes(type, direction);
        outcome ??= DefaultOutcome(type, direction);
        if (outcome is { } given && !allowed.Contains(given))
        {
            errors["outcome"] = [allowed.Count == 0
                ? $"A {type} has no outcome."
                : $"A {direction} {type} has one of the outcomes {string.Join(", ", allowed)}."];
        }
        else if (outcome is null && allowed.Count > 0)
        {
            errors["outcome"] = [$"A {type} needs an outcome: one of {string.Join(", ", allowed)}."];
        }

        if (notes?.Length > MaxNotesLength)
        {
            errors["notes"] = [$"Notes are at most {MaxNotesLength} characters."];
        }

        if (occurredAt > now.AddMinutes(5))
        {
            errors["occurredAt"] = ["An activity cannot be logged for the future."];
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        return new Activity
        {
            Id = Ids.New(now),
            OrganisationId = organisationId,
            LeadId = leadId,
            DealId = dealId,
            Type = type,
            Direction = direction,
            Outcome = outcome,
            Notes = string.IsNullOrWhiteSpace(notes) ? null : notes.Trim(),
            OccurredAt = occurredAt.ToUniversalTime(),
            LoggedAt = now,
            UserId = by.UserId,
            ActorName = by.Name,
            FromAgency = fromAgency,
        };
    }

    public static IReadOnlyList<ActivityOutcome> AllowedOutcomes(ActivityType type, Direction direction) => type switch
    {
        ActivityType.Call => [ActivityOutcome.NoAnswer, ActivityOutcome.Voicemail, ActivityOutcome.Connected, ActivityOutcome.MeetingBooked],
        ActivityType.Meeting => [ActivityOutcome.MeetingBooked, ActivityOutcome.MeetingHeld],
        ActivityType.Email => direction == Direction.Outbound ? [ActivityOutcome.Sent] : [ActivityOutcome.Received],
        ActivityType.Note => [],
    };

    private static ActivityOutcome? DefaultOutcome(ActivityType type, Direction direction) => type switch
    {
        ActivityType.Email => direction == Direction.Outbound ? ActivityOutcome.Sent : ActivityOutcome.Received,
        ActivityType.Call or ActivityType.Meeting or ActivityType.Note => null,
    };
}
