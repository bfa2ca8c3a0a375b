using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Handover;
using Leadgate.Notifications;
using Leadgate.Pipeline;
using Leadgate.Qualification;

namespace Leadgate.Leads;

/// <summary>
/// One person at one company on their journey through the funnel. Every change of stage goes through
/// <see cref="Lifecycle.Decide"/> and leaves a <see cref="StageEvent"/>; a refused move changes nothing.
/// </summary>
public sealed class Lead
{
    private readonly List<StageEvent> _history = [];
    private readonly List<Activity> _activities = [];
    private readonly List<Happening> _happenings = [];
    private readonly List<LeadHandover> _handovers = [];
    private readonly List<Assignment> _assignments = [];

    private Lead()
    {
        Contact = null!;
        SearchText = "";
        Bant = Bant.Unassessed;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid ContactId { get; private set; }

    public Contact Contact { get; private set; }

    public Guid? CompanyId { get; private set; }

    public Company? Company { get; private set; }

    public Stage Stage { get; private set; }

    /// <summary>The furthest funnel stage ever reached; side stages never lower it.</summary>
    public Stage HighestStage { get; private set; }

    public WorkStatus WorkStatus { get; private set; }

    public Guid? OwnerId { get; private set; }

    public string? Source { get; private set; }

    public string? Campaign { get; private set; }

    /// <summary>
    /// The stage the lead had in the system it was imported from (a HubSpot lifecycle stage, a Salesforce lead status), as
    /// written there: a fact about the past, never a qualification in Leadgate (decision 0007).
    /// </summary>
    public string? SourceStage { get; private set; }

    /// <summary>When the system the lead was imported from created it (UTC).</summary>
    public DateTimeOffset? SourceCreatedAt { get; private set; }

    /// <summary>
    /// How the lead ended in the system it was imported from (converted or not), as that system recorded it: imported
    /// history that prediction may learn from, never a qualification in Leadgate (decision 0007).
    /// </summary>
    public SourceOutcome? SourceOutcome { get; private set; }

    /// <summary>
    /// The import's own columns kept as they were written (column name → value), as JSON: facts another system held that
    /// Leadgate has no field for (visits, occupation, …), shown on the lead and learnt from by prediction.
    /// </summary>
    public string? AttributesJson { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public DateTimeOffset StageChangedAt { get; private set; }

    /// <summary>When the lead last became an MQL: the conversation that qualifies it must come after this.</summary>
    public DateTimeOffset? MqlAt { get; private set; }

    public DateTimeOffset? LastActivityAt { get; private set; }

    /// <summary>Set when sales sends the lead back with a date to look again.</summary>
    public DateOnly? RevisitOn { get; private set; }

    public Guid? DealId { get; private set; }

    /// <summary>Fit with the ICP, 0–100, as last computed; null when no criterion could be judged.</summary>
    public decimal? FitScore { get; private set; }

    /// <summary>Engagement as last computed (decay continues after <see cref="ScoredAt"/>; the lead page shows it live).</summary>
    public decimal EngagementScore { get; private set; }

    public DateTimeOffset? ScoredAt { get; private set; }

    public Bant Bant { get; private set; }

    public DateTimeOffset? BantAssessedAt { get; private set; }

    public string? BantAssessedBy { get; private set; }

    /// <summary>Lower-cased names, e-mail and company, for the list's text filter on every provider.</summary>
    public string SearchText { get; private set; }

    /// <summary>Concurrency token, raised on every save; the API's ETag.</summary>
    public long Version { get; private set; }

    /// <summary>The lead this one was merged into (its histories moved there); null for a lead of its own.</summary>
    public Guid? MergedIntoId { get; private set; }

    public IReadOnlyList<StageEvent> History => _history;

    public IReadOnlyList<Activity> Activities => _activities;

    /// <summary>The outbox: what this lead's changes announce (webhooks, in-app notifications), saved with the change.</summary>
    public IReadOnlyList<Happening> Happenings => _happenings;

    /// <summary>The handovers loaded with the lead: for a change, only the open one (<see cref="LeadLoading"/>).</summary>
    public IReadOnlyList<LeadHandover> Handovers => _handovers;

    /// <summary>Assignments made in this unit of work; the stored history is read by query.</summary>
    public IReadOnlyList<Assignment> Assignments => _assignments;

    /// <summary>The handover whose response clock is running (the lead is an MQL), if it was loaded.</summary>
    public LeadHandover? OpenHandover => _handovers.LastOrDefault(h => h.EndedAt is null);

    public static Result<Lead> Create(Contact contact, Company? company, string? source, string? campaign, Actor by, DateTimeOffset at)
    {
        var decision = Lifecycle.Decide(LeadAction.Create, null, Stage.Iql, by, new TransitionFacts(at) { ContactKnown = contact.Email.Length > 0 });
        if (decision.Error is { } error)
        {
            return error;
        }

        var lead = new Lead
        {
            Id = Ids.New(at),
            OrganisationId = contact.OrganisationId,
            ContactId = contact.Id,
            Contact = contact,
            CompanyId = company?.Id,
            Company = company,
            Stage = Stage.Iql,
            HighestStage = Stage.Iql,
            WorkStatus = WorkStatus.New,
            Source = source,
            Campaign = campaign,
            CreatedAt = at,
            UpdatedAt = at,
            StageChangedAt = at,
        };
        lead._history.Add(StageEvent.Record(lead, null, Stage.Iql, by, at, "created", null, null));
        lead.RefreshSearchText();
        return lead;
    }

    public Result<Done> MarkMql(string? reason, Actor by, DateTimeOffset at)
    {
        var facts = new TransitionFacts(at) { Lead = this, Reason = reason };
        return Move(LeadAction.MarkMql, Stage.Mql, facts, by, reason?.Trim(), null, null);
    }

    public Result<Deal> Accept(DealTerms terms, Activity? conversation, BantMinimum minimum, Actor by, DateTimeOffset at)
    {
        var facts = new TransitionFacts(at) { Lead = this, Conversation = conversation, Bant = Bant, Minimum = minimum };
        var deal = Deal.Open(this, terms, by, at);
        var moved = Move(LeadAction.Accept, Stage.Sql, facts, by, "accepted", null, conversation?.Id, dealId: deal.Id);
        return moved.Error is { } error ? error : deal;
    }

    public Result<Done> Reject(Reason? reason, string? note, DateOnly? revisitOn, Actor by, DateTimeOffset at)
    {
        var facts = new TransitionFacts(at) { Lead = this, ListedReason = reason, Note = note };
        return Move(LeadAction.Reject, Stage.Nurture, facts, by, reason?.Code, note, null, revisitOn: revisitOn);
    }

    public Result<Done> Disqualify(Reason? reason, string? note, Actor by, DateTimeOffset at)
    {
        var facts = new TransitionFacts(at) { Lead = this, ListedReason = reason, Note = note };
        return Move(LeadAction.Disqualify, Stage.Disqualified, facts, by, reason?.Code, note, null);
    }

    public Result<Done> RecordProposal(Deal deal, decimal amount, Actor by, DateTimeOffset at)
    {
        var facts = new TransitionFacts(at) { Lead = this, Amount = amount };
        var moved = Move(LeadAction.RecordProposal, Stage.Opportunity, facts, by, "proposal", null, null);
        if (moved.IsSuccess)
        {
            deal.RecordProposal(amount, at);
        }

        return moved;
    }

    public Result<Done> MarkWon(Deal deal, decimal amount, DateOnly closedOn, Actor by, DateTimeOffset at)
    {
        // Not before the day it opened, in the time zone where that day began last (CalendarToday): the sales cycle starts there.
        if (closedOn < CalendarToday.Earliest(deal.CreatedAt))
        {
            return Invalid.Field("closedOn", $"A deal cannot close before it was opened ({deal.CreatedAt.UtcDateTime:yyyy-MM-dd}).");
        }

        var facts = new TransitionFacts(at) { Lead = this, Amount = amount, ClosedOn = closedOn };
        var moved = Move(LeadAction.MarkWon, Stage.Customer, facts, by, "won", null, null);
        if (moved.IsSuccess)
        {
            deal.MarkWon(amount, closedOn, at);
        }

        return moved;
    }

    /// <summary>The deal is lost; its lead goes to <paramref name="then"/>, Nurture with an optional <paramref name="revisitOn"/> date.</summary>
    public Result<Done> MarkLost(Deal deal, Reason? reason, string? note, Stage then, Actor by, DateTimeOffset at, DateOnly? revisitOn = null)
    {
        var facts = new TransitionFacts(at) { Lead = this, ListedReason = reason, Note = note };
        var moved = Move(LeadAction.MarkLost, then, facts, by, reason?.Code, note, null, revisitOn: revisitOn);
        if (moved.IsSuccess)
        {
            deal.MarkLost(reason!.Code, note, DateOnly.FromDateTime(at.UtcDateTime), at);
        }

        return moved;
    }

    /// <summary>Logs a touch. Inside Mql it moves the work status: an outbound touch to Attempting, a conversation to Connected.</summary>
    public Result<Activity> Log(ActivityType type, Direction direction, ActivityOutcome? outcome, string? notes, DateTimeOffset? occurredAt, Actor by, DateTimeOffset at)
    {
        var created = Activity.Create(OrganisationId, Id, DealId, type, direction, outcome, notes, occurredAt ?? at, by, at);
        if (created.Error is { } error)
        {
            return error;
        }

        var activity = created.Value;
        _activities.Add(activity);
        if (Stage == Stage.Mql)
        {
            if (activity.IsOutboundTouch && OpenHandover is { } handover && activity.OccurredAt >= handover.StartedAt)
            {
                handover.Touched(activity.OccurredAt);
            }

            WorkStatus = activity.IsTwoWayConversation ? WorkStatus.Connected
                : activity.IsOutboundTouch && WorkStatus == WorkStatus.New ? WorkStatus.Attempting
                : WorkStatus;
        }

        if (LastActivityAt is null || activity.OccurredAt > LastActivityAt)
        {
            LastActivityAt = activity.OccurredAt;
        }

        UpdatedAt = at;
        return activity;
    }

    /// <summary>
    /// The reply an outreach agency received, handed over with the lead: an inbound message in the timeline, marked as the
    /// agency's, which moves neither the work status nor the response clock and is not the organisation's own conversation.
    /// </summary>
    internal Activity ReceiveAgencyReply(string? text, DateTimeOffset occurredAt, Actor by, DateTimeOffset at)
    {
        var activity = Activity.Create(OrganisationId, Id, DealId, ActivityType.Email, Direction.Inbound, ActivityOutcome.Received, text, occurredAt, by, at, fromAgency: true).Value;
        _activities.Add(activity);
        UpdatedAt = at;
        return activity;
    }

    /// <summary>Records the BANT checklist. Only sales assesses BANT: it is their judgement after talking to the person.</summary>
    public Result<Done> RecordBant(Bant bant, Actor by, DateTimeOffset at)
    {
        if (!by.IsIn(Roles.Sales))
        {
            return new Forbidden("Only a sales user records the BANT assessment.");
        }

        Bant = bant;
        BantAssessedAt = at;
        BantAssessedBy = by.Name;
        UpdatedAt = at;
        return Done.Value;
    }

    /// <summary>
    /// Gives the lead an owner (or, with none, puts it back in the shared queue) and records the assignment with its
    /// reason. A new owner of an MQL starts from New. A change of owner is announced (<c>lead.assigned</c>), and the new
    /// owner is notified in the app unless they took the lead themselves. Giving a lead to the owner it has changes nothing.
    /// </summary>
    public bool AssignTo(Guid? ownerId, string reason, Actor by, DateTimeOffset at)
    {
        if (OwnerId == ownerId)
        {
            return false;
        }

        if (Stage == Stage.Mql)
        {
            WorkStatus = WorkStatus.New;
            OpenHandover?.Reassigned(ownerId, at);
        }

        _assignments.Add(Assignment.Record(OrganisationId, Id, OwnerId, ownerId, reason, by.Name, by.UserId, at));
        OwnerId = ownerId;
        UpdatedAt = at;
        if (ownerId is { } owner)
        {
            _happenings.Add(Happening.Assigned(this, owner, notifyOwner: by.UserId != owner, at));
        }

        return true;
    }

    /// <summary>Routing's choice for a new MQL (its work status is New already), recorded and announced like any assignment.</summary>
    internal void RoutedTo(Guid? ownerId, string reason, DateTimeOffset at)
    {
        _assignments.Add(Assignment.Record(OrganisationId, Id, OwnerId, ownerId, reason, "routing", null, at));
        OwnerId = ownerId;
        if (ownerId is { } owner)
        {
            _happenings.Add(Happening.Assigned(this, owner, notifyOwner: true, at));
        }
    }

    /// <summary>Puts a happening the lead's handover produced (an SLA reminder or breach) into the outbox with the lead's change.</summary>
    public void Announce(Happening happening)
    {
        if (happening.LeadId != Id)
        {
            throw new ArgumentException("A happening belongs to the lead it is about.", nameof(happening));
        }

        _happenings.Add(happening);
    }

    public void Describe(string? source, string? campaign, Company? company, DateTimeOffset at)
    {
        Source = source;
        Campaign = campaign;
        Company = company;
        CompanyId = company?.Id;
        UpdatedAt = at;
        RefreshSearchText();
    }

    /// <summary>
    /// Keeps an import's source facts: each non-empty value replaces the stored one, an empty one keeps it. They never move
    /// the lead: the source's stage is not a qualification. Says whether anything changed (the caller touches the lead).
    /// </summary>
    internal bool KeepSourceFacts(string? stage, DateTimeOffset? createdAt, SourceOutcome? outcome = null, IReadOnlyDictionary<string, string>? attributes = null)
    {
        var newStage = stage ?? SourceStage;
        var newCreatedAt = createdAt ?? SourceCreatedAt;
        var newOutcome = outcome ?? SourceOutcome;
        var newAttributes = LeadAttributes.Merge(AttributesJson, attributes);
        if (newStage == SourceStage && newCreatedAt == SourceCreatedAt && newOutcome == SourceOutcome && newAttributes == AttributesJson)
        {
            return false;
        }

        SourceStage = newStage;
        SourceCreatedAt = newCreatedAt;
        SourceOutcome = newOutcome;
        AttributesJson = newAttributes;
        return true;
    }

    /// <summary>Keeps the latest scores on the lead for lists and filters. Scores never move a lead by themselves.</summary>
    public void RecordScores(decimal? fit, decimal engagement, DateTimeOffset at)
    {
        FitScore = fit;
        EngagementScore = engagement;
        ScoredAt = at;
    }

    /// <summary>
    /// Erasure (docs/privacy.md): the person's contact, the free text about them (BANT notes, the import's own columns) and
    /// the search text go; stages, dates, source, campaign, scores and BANT statuses stay, so the funnel keeps its counts.
    /// </summary>
    internal void Erase(DateTimeOffset at)
    {
        Contact.Erase();
        Bant = new Bant(
            Bant.Budget with { Note = null },
            new AuthorityAssessment(Bant.Authority.Status, null, null, null),
            Bant.Need with { Note = null },
            Bant.Timeline with { Note = null });
        AttributesJson = null;
        SearchText = "";
        UpdatedAt = at;
    }

    /// <summary>
    /// Merge (docs/privacy.md#merging-duplicates): this lead survives and takes the other's histories (moved by
    /// <see cref="MergeLead"/>); it keeps the furthest stage either reached, the earliest MQL date, the latest activity, and
    /// the other's deal when it has none.
    /// </summary>
    internal void Absorb(Lead merged, DateTimeOffset at)
    {
        HighestStage = Stages.Higher(HighestStage, merged.HighestStage);
        if (merged.MqlAt is { } mql && (MqlAt is null || mql < MqlAt))
        {
            MqlAt = mql;
        }

        if (merged.LastActivityAt is { } touched && (LastActivityAt is null || touched > LastActivityAt))
        {
            LastActivityAt = touched;
        }

        DealId ??= merged.DealId;
        UpdatedAt = at;
    }

    /// <summary>The merged lead keeps its row and contact, answers with its survivor, and leaves lists and reports.</summary>
    internal void MergeInto(Guid survivorId, DateTimeOffset at)
    {
        MergedIntoId = survivorId;
        DealId = null;
        UpdatedAt = at;
    }

    /// <summary>Called after the contact's or company's names changed.</summary>
    public void Touch(DateTimeOffset at)
    {
        UpdatedAt = at;
        RefreshSearchText();
    }

    /// <summary>
    /// The one place a stage changes: asks the table, appends the stage event, and puts the happening it announces
    /// (<c>lead.mql</c>, <c>lead.sql</c>, <c>lead.rejected</c>, <c>deal.won</c>) into the outbox in the same save.
    /// </summary>
    private Result<Done> Move(LeadAction action, Stage to, TransitionFacts facts, Actor by, string? reason, string? note, Guid? evidence, Guid? dealId = null, DateOnly? revisitOn = null)
    {
        var decision = Lifecycle.Decide(action, Stage, to, by, facts);
        if (decision.Error is { } error)
        {
            return error;
        }

        var from = Stage;
        if (from == Stage.Mql && to != Stage.Mql)
        {
            OpenHandover?.End(facts.At);
        }

        _history.Add(StageEvent.Record(this, from, to, by, facts.At, reason, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), evidence));
        Stage = to;
        HighestStage = Stages.Higher(HighestStage, to);
        StageChangedAt = facts.At;
        UpdatedAt = facts.At;
        if (to == Stage.Mql)
        {
            MqlAt = facts.At;
            WorkStatus = WorkStatus.New;

            // Routing picks the owner when this is saved (HandoverRouting), whoever made the lead an MQL.
            _handovers.Add(LeadHandover.Start(OrganisationId, Id, facts.At));
        }

        // A move to Nurture (a rejection, a lost deal) carries its revisit date, if any; any other move clears it.
        RevisitOn = to == Stage.Nurture ? revisitOn : null;
        if (dealId is { } deal)
        {
            DealId = deal;
        }

        if (Happening.OfStageChange(this, from, to, reason, facts.At) is { } happening)
        {
            _happenings.Add(happening);
        }

        return Done.Value;
    }

    /// <summary>
    /// The names, e-mail address and company name, lower-case, separated by spaces; empty parts left out. Made as one string
    /// (each new lead of an import makes one).
    /// </summary>
    private void RefreshSearchText()
    {
        var (first, last, email, company) = (Part(Contact.FirstName), Part(Contact.LastName), Part(Contact.Email), Part(Company?.Name));
        var length = first.Length + last.Length + email.Length + company.Length;
        var parts = (first.Length > 0 ? 1 : 0) + (last.Length > 0 ? 1 : 0) + (email.Length > 0 ? 1 : 0) + (company.Length > 0 ? 1 : 0);
        SearchText = parts == 0 ? "" : string.Create(length + parts - 1, (first, last, email, company), static (span, text) =>
        {
            var at = 0;
            foreach (var part in (ReadOnlySpan<string>)[text.first, text.last, text.email, text.company])
            {
                if (part.Length == 0)
                {
                    continue;
                }

                if (at > 0)
                {
                    span[at++] = ' ';
                }

                at += part.AsSpan().ToLowerInvariant(span[at..]);
            }
        });

        static string Part(string? value) => string.IsNullOrWhiteSpace(value) ? "" : value;
    }
}
