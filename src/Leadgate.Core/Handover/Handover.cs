using Leadgate.Common;

namespace Leadgate.Handover;

/// <summary>
/// Marketing passing one MQL to sales, with its response clock: one per time a lead becomes an MQL. The lead starts it
/// (<see cref="Leads.Lead.MarkMql"/>); routing gives it an owner or puts it in the shared queue and sets the due time
/// in working hours; the first outbound touch stops the clock; the background clock reminds, flags the breach and
/// escalates.
/// </summary>
public sealed class LeadHandover
{
    private LeadHandover()
    {
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid LeadId { get; private set; }

    /// <summary>When the lead became an MQL: the response clock runs from here.</summary>
    public DateTimeOffset StartedAt { get; private set; }

    /// <summary>When routing handed it to sales (a rep or the shared queue); null until routing has run.</summary>
    public DateTimeOffset? AssignedAt { get; private set; }

    /// <summary>The rep it was given to; null while it waits in the shared queue.</summary>
    public Guid? OwnerId { get; private set; }

    /// <summary>The team routing chose the owner from, by name; its manager hears of a breach.</summary>
    public string? Team { get; private set; }

    /// <summary>How routing decided, for the history: the rule's name and what it did.</summary>
    public string? Route { get; private set; }

    public DateTimeOffset? SlaDueAt { get; private set; }

    /// <summary>When the reminder is due (a while before <see cref="SlaDueAt"/>).</summary>
    public DateTimeOffset? RemindAt { get; private set; }

    public DateTimeOffset? RemindedAt { get; private set; }

    /// <summary>The first outbound call, e-mail or meeting: it stops the clock.</summary>
    public DateTimeOffset? FirstTouchAt { get; private set; }

    /// <summary>
    /// The due time the clock ran past: found run out without a touch, or passed by a first touch that came later. The due time,
    /// not the moment it was noticed, so a clock that ran out while no instance was running says when it ran out.
    /// </summary>
    public DateTimeOffset? BreachedAt { get; private set; }

    public DateTimeOffset? EscalatedAt { get; private set; }

    /// <summary>When the lead left Mql (accepted, rejected, disqualified): the clock no longer matters.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    public bool Breached => BreachedAt is not null;

    /// <summary>Routing has not run yet: the save that stores this handover routes it and starts its clock.</summary>
    public bool AwaitsRouting => SlaDueAt is null;

    public TimeSpan? TimeToFirstTouch => FirstTouchAt - StartedAt;

    /// <summary>A team routing must choose from instead of the rules (an agency link's routing); not stored.</summary>
    internal string? RouteToTeam { get; private set; }

    /// <summary>A response time instead of the organisation's (an agency link's clock); not stored.</summary>
    internal TimeSpan? ResponseTime { get; private set; }

    /// <summary>
    /// An agency link's terms for this handover, before routing runs: its team (round robin there), the shared queue, or
    /// the organisation's own rules; and its response clock.
    /// </summary>
    internal void Follow(string? team, bool sharedQueue, TimeSpan? responseTime)
    {
        if (sharedQueue && AssignedAt is null)
        {
            Routed(null, null, "shared queue: the agency link says so");
        }

        RouteToTeam = sharedQueue ? null : team;
        ResponseTime = responseTime;
    }

    internal static LeadHandover Start(Guid organisationId, Guid leadId, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = organisationId,
        LeadId = leadId,
        StartedAt = at,
    };

    /// <summary>Routing's decision: an owner, or the shared queue without one.</summary>
    internal void Routed(Guid? ownerId, string? team, string route)
    {
        AssignedAt = StartedAt;
        OwnerId = ownerId;
        Team = team is { Length: > 100 } ? team[..100] : team;
        Route = route.Length > 200 ? route[..200] : route;
    }

    /// <summary>Starts the response clock: due in working hours, with the reminder a while before.</summary>
    internal void StartClock(DateTimeOffset slaDueAt, DateTimeOffset? remindAt)
    {
        SlaDueAt = slaDueAt;
        RemindAt = remindAt;
        if (FirstTouchAt > slaDueAt)
        {
            BreachedAt = slaDueAt;
        }
    }

    /// <summary>A person gave the lead to a rep (or back to the shared queue) by hand.</summary>
    internal void Reassigned(Guid? ownerId, DateTimeOffset at)
    {
        AssignedAt ??= at;
        Route ??= "assigned by hand";
        OwnerId = ownerId;
    }

    /// <summary>An outbound touch: the first one stops the clock; one after the due time counts as a breach.</summary>
    internal void Touched(DateTimeOffset at)
    {
        if (FirstTouchAt is not null && FirstTouchAt <= at)
        {
            return;
        }

        FirstTouchAt = at;
        if (SlaDueAt is { } due && at > due)
        {
            BreachedAt ??= due;
        }
    }

    internal void End(DateTimeOffset at) => EndedAt ??= at;
}
