using System.ComponentModel.DataAnnotations;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Scoring;

public sealed record RecordEventsRequest
{
    [Required]
    public IReadOnlyList<EventInput?>? Events { get; set; }
}

/// <summary>One behaviour event: who (a lead id or an e-mail address), what, when, and free properties.</summary>
public sealed record EventInput
{
    /// <summary>The event's id in the sending system: a repeat with the same id is recognised, not counted twice.</summary>
    [Required]
    public string? ExternalId { get; set; }

    /// <summary>A <see cref="BehaviourType"/> by name (case does not matter).</summary>
    [Required]
    [AllowedValues(
        nameof(BehaviourType.EmailReply), nameof(BehaviourType.FormSubmit), nameof(BehaviourType.ContentDownload), nameof(BehaviourType.DemoRequest),
        nameof(BehaviourType.Webinar), nameof(BehaviourType.PageVisit), nameof(BehaviourType.NewsletterSignup), nameof(BehaviourType.Custom))]
    public string? Type { get; set; }

    public string? Email { get; set; }

    public Guid? LeadId { get; set; }

    /// <summary>When it happened, with its offset from UTC.</summary>
    [Required]
    public DateTimeOffset? OccurredAt { get; set; }

    public JsonElement? Properties { get; set; }
}

/// <summary>
/// An intake path that records one event of its own (a web form, an outreach tool's webhook) names a refused field as its
/// caller sent it: "email", not "events[0].email".
/// </summary>
internal static class SingleEvent
{
    private const string Prefix = "events[0].";

    public static Error Unprefixed(Error error) => error switch
    {
        Invalid invalid => new Invalid(invalid.Errors.ToDictionary(e => e.Key.Replace(Prefix, "", StringComparison.Ordinal), e => e.Value)),
        Privacy.Suppressed suppressed => new Privacy.Suppressed([.. suppressed.Fields.Select(f => f.Replace(Prefix, "", StringComparison.Ordinal))]),
        _ => error,
    };
}

public enum EventStatus
{
    /// <summary>New: stored and scored.</summary>
    Stored,

    /// <summary>This external id was received before with the same body: nothing changed.</summary>
    Repeat,

    /// <summary>This external id was received before with another body: the first one stands, this one was not stored.</summary>
    Conflict,
}

public sealed record EventOutcome(int Index, string ExternalId, EventStatus Status, Guid LeadId);

public sealed record QualifiedLead(Guid LeadId, string Rule);

public sealed record RecordedEvents(int Stored, int Repeats, int Conflicts, IReadOnlyList<Guid> CreatedLeads, IReadOnlyList<QualifiedLead> Qualified, IReadOnlyList<EventOutcome> Results);

/// <summary>One request's events, checked and ready to record, with the caller they come from.</summary>
public sealed class EventBatch
{
    internal EventBatch(Actor actor, IReadOnlyList<RecordEvents.Incoming> events)
    {
        Actor = actor;
        Events = events;
    }

    public Actor Actor { get; }

    public int Count => Events.Count;

    internal IReadOnlyList<RecordEvents.Incoming> Events { get; }
}

/// <summary>
/// Takes a batch of 1 to 1,000 behaviour events: stores each new one once (its external id makes a retry harmless),
/// creates an Iql lead for an unknown e-mail address, rescores every lead the batch touched and applies the MQL rule.
/// A batch with any invalid event is refused whole, naming each bad field (<c>events[3].email</c>); nothing is written.
/// Several batches (the requests <see cref="EventWriter"/> gathered) can be recorded in one transaction, each answered
/// as if it had been recorded alone, in the order given. The batch costs a fixed number of queries, whatever its size,
/// plus one prepared statement per new event and per touched lead (<see cref="EventWrites"/>).
/// </summary>
public sealed class RecordEvents(LeadgateDbContext db, TimeProvider clock, ScoringModelCache models, Privacy.SuppressionList suppression)
{
    public const int MaxBatch = 1_000;
    private const int Attempts = 20;
    private const string Savepoint = "record_events";
    private static readonly string[] NoSuchLead = ["No lead with this id exists in your organisation."];

    public async Task<Result<RecordedEvents>> HandleAsync(RecordEventsRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var parsed = Check(request, actor, clock.GetUtcNow());
        if (parsed.Error is { } invalid)
        {
            return invalid;
        }

        return (await RecordAsync([parsed.Value], cancellationToken))[0];
    }

    /// <summary>The checks made before anything is read or written: a batch with any bad field is refused whole.</summary>
    public static Result<EventBatch> Check(RecordEventsRequest request, Actor actor, DateTimeOffset now) =>
        Parse(request, now).Map(events => new EventBatch(actor, events));

    /// <summary>Records the batches in one transaction, in order; each gets its own answer.</summary>
    public async Task<IReadOnlyList<Result<RecordedEvents>>> RecordAsync(IReadOnlyList<EventBatch> batches, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var results = await AttemptAsync(batches, cancellationToken);
            if (results is not null)
            {
                return results;
            }

            if (attempt == Attempts)
            {
                Error busy = new Conflict("concurrent-update", "Other batches kept writing the same events or leads at the same moment; retry.");
                return [.. batches.Select(_ => (Result<RecordedEvents>)busy)];
            }

            // Another writer stored some of the same events or changed the same leads a moment ago: read again and redo
            // the batches on top of it.
            await Task.Delay(Random.Shared.Next(5, 20 * attempt), cancellationToken);
        }
    }

    internal sealed record Incoming(int Index, string ExternalId, BehaviourType Type, EmailAddress? Email, Guid? LeadId, DateTimeOffset OccurredAt, string? Properties, string Hash)
    {
        public ScoredEvent ToScored() => new(ExternalId, Type, OccurredAt);
    }

    /// <summary>A lead that gets new events in this attempt: an existing one (a row) or one created for an unknown address.</summary>
    private sealed class Target(Guid id, int firstBatch)
    {
        public Guid Id { get; } = id;

        public int FirstBatch { get; } = firstBatch;

        public LeadRow? Row { get; init; }

        public Lead? Created { get; init; }

        public List<Incoming> Added { get; } = [];
    }

    /// <summary>One try at all batches in one transaction (a savepoint in the caller's, if it has one); null when a race was lost and nothing was kept.</summary>
    private async Task<Result<RecordedEvents>[]?> AttemptAsync(IReadOnlyList<EventBatch> batches, CancellationToken cancellationToken)
    {
        var owned = db.Database.CurrentTransaction is null;
        var transaction = owned ? await db.Database.BeginTransactionAsync(cancellationToken) : db.Database.CurrentTransaction!;
        await using var ownTransaction = owned ? transaction : null;
        var autoSavepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false; // this method undoes a lost race itself
        try
        {
            if (!owned)
            {
                await transaction.CreateSavepointAsync(Savepoint, cancellationToken);
            }

            var results = new Result<RecordedEvents>[batches.Count];
            var done = true;
            foreach (var organisation in Enumerable.Range(0, batches.Count).GroupBy(i => batches[i].Actor.OrganisationId))
            {
                done = await RecordOrganisationAsync(organisation.Key, [.. organisation], batches, results, cancellationToken);
                if (!done)
                {
                    break;
                }
            }

            if (done)
            {
                if (owned)
                {
                    await transaction.CommitAsync(cancellationToken);
                }

                return results;
            }
        }
        catch (Exception exception) when (EventWrites.IsRace(exception))
        {
            // Undone below, and tried again.
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = autoSavepoints;
        }

        if (owned)
        {
            await transaction.RollbackAsync(cancellationToken);
        }
        else
        {
            await transaction.RollbackToSavepointAsync(Savepoint, cancellationToken);
        }

        db.ChangeTracker.Clear();
        return null;
    }

    /// <summary>The batches of one organisation; false when a race was lost.</summary>
    private async Task<bool> RecordOrganisationAsync(Guid org, List<int> indexes, IReadOnlyList<EventBatch> batches, Result<RecordedEvents>[] results, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var model = await models.ModelOfAsync(db, org, cancellationToken);

        var externalIds = indexes.SelectMany(i => batches[i].Events).Select(e => e.ExternalId).Distinct(StringComparer.Ordinal).ToList();
        var known = await EventReads.KnownAsync(db, org, externalIds, cancellationToken);

        // A batch naming a lead id the organisation does not have is refused whole; the others go on without it.
        var leadIds = indexes.SelectMany(i => batches[i].Events).Where(e => e.LeadId is not null && !known.ContainsKey(e.ExternalId)).Select(e => e.LeadId!.Value).Distinct().ToList();
        var byId = await EventReads.LeadsByIdAsync(db, org, leadIds, cancellationToken);
        var accepted = new List<int>(indexes.Count);
        foreach (var i in indexes)
        {
            var unknownLeads = batches[i].Events.Where(e => e.LeadId is { } id && !known.ContainsKey(e.ExternalId) && !byId.ContainsKey(id))
                .ToDictionary(e => $"events[{e.Index}].leadId", _ => NoSuchLead);
            // An erased person's lead keeps its anonymous row for the funnel; nothing new is recorded about them.
            var erasedLeads = batches[i].Events.Where(e => e.LeadId is { } id && !known.ContainsKey(e.ExternalId) && byId.TryGetValue(id, out var row) && Contact.IsErasedAddress(row.Email))
                .Select(e => $"events[{e.Index}].leadId").ToList();
            if (unknownLeads.Count > 0)
            {
                results[i] = new Invalid(unknownLeads);
            }
            else if (erasedLeads.Count > 0)
            {
                results[i] = new Privacy.Suppressed(erasedLeads);
            }
            else
            {
                accepted.Add(i);
            }
        }

        // Which events are new: the first of an external id (in batch order) that the organisation has not seen.
        var firstSeen = new Dictionary<string, Incoming>(StringComparer.Ordinal);
        var fresh = new List<(int Batch, Incoming Event)>();
        void FreshEvents()
        {
            foreach (var i in accepted)
            {
                foreach (var e in batches[i].Events)
                {
                    if (!known.ContainsKey(e.ExternalId) && firstSeen.TryAdd(e.ExternalId, e))
                    {
                        fresh.Add((i, e));
                    }
                }
            }
        }

        FreshEvents();

        var emails = fresh.Where(f => f.Event.Email is not null).Select(f => f.Event.Email!.Value).Distinct(StringComparer.Ordinal).ToList();
        var byEmail = await EventReads.LeadsByEmailAsync(db, org, emails, cancellationToken);

        // An erased person is not brought back: a batch with an event for one is refused whole, as a batch with a bad field is.
        var suppressed = await suppression.SuppressedAsync(db, org, emails.Where(e => !byEmail.ContainsKey(e)), cancellationToken);
        if (suppressed.Count > 0)
        {
            var refusedBatches = fresh.Where(f => suppressed.Contains(f.Event.Email!.Value)).Select(f => f.Batch).ToHashSet();
            foreach (var i in refusedBatches)
            {
                results[i] = new Privacy.Suppressed([.. batches[i].Events.Where(e => e.Email is { } email && suppressed.Contains(email.Value)).Select(e => $"events[{e.Index}].email")]);
                accepted.Remove(i);
            }

            firstSeen.Clear();
            fresh.Clear();
            FreshEvents();
        }

        var targets = new Dictionary<Guid, Target>();
        var targetOfEmail = new Dictionary<string, Target>(StringComparer.Ordinal);
        var newCompanies = new List<Company>();
        var created = await CreateLeadsAsync(org, fresh, batches, byEmail, targets, targetOfEmail, newCompanies, now, cancellationToken);
        if (created.Error is { } refused)
        {
            // Only Lead.Create's lifecycle check can refuse, and it refuses every batch of this organisation alike.
            foreach (var i in accepted)
            {
                results[i] = refused;
            }

            return true;
        }

        Target TargetOf(int batch, Incoming e)
        {
            if (e.LeadId is { } id)
            {
                return targets.TryGetValue(id, out var t) ? t : targets[id] = new Target(id, batch) { Row = byId[id] };
            }

            var email = e.Email!.Value;
            if (!targetOfEmail.TryGetValue(email, out var target))
            {
                var row = byEmail[email];
                target = targets.TryGetValue(row.Id, out var t) ? t : targets[row.Id] = new Target(row.Id, batch) { Row = row };
                targetOfEmail[email] = target;
            }

            return target;
        }

        var events = new List<BehaviourEvent>(fresh.Count);
        foreach (var (batch, e) in fresh)
        {
            var target = TargetOf(batch, e);
            target.Added.Add(e);
            events.Add(BehaviourEvent.Record(org, target.Id, e.ExternalId, e.Type, e.OccurredAt, e.Properties, e.Hash, now));
        }

        var scored = await ScoreAsync(targets.Values, model, now, cancellationToken);
        if (scored is null)
        {
            return false;
        }

        var newLeads = targets.Values.Select(t => t.Created).OfType<Lead>().ToList();
        if (!await WriteAsync(newCompanies, newLeads, events, scored.Updates, cancellationToken))
        {
            return false;
        }

        // Each batch's answer, as if the batches had been sent one after the other.
        var leadOfExternalId = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var (batch, e) in fresh)
        {
            leadOfExternalId[e.ExternalId] = TargetOf(batch, e).Id;
        }

        foreach (var i in accepted)
        {
            var outcomes = new List<EventOutcome>(batches[i].Count);
            foreach (var e in batches[i].Events)
            {
                if (known.TryGetValue(e.ExternalId, out var before))
                {
                    outcomes.Add(new EventOutcome(e.Index, e.ExternalId, before.BodyHash == e.Hash ? EventStatus.Repeat : EventStatus.Conflict, before.LeadId));
                }
                else
                {
                    var first = firstSeen[e.ExternalId];
                    var status = ReferenceEquals(first, e) ? EventStatus.Stored : first.Hash == e.Hash ? EventStatus.Repeat : EventStatus.Conflict;
                    outcomes.Add(new EventOutcome(e.Index, e.ExternalId, status, leadOfExternalId[e.ExternalId]));
                }
            }

            results[i] = new RecordedEvents(
                outcomes.Count(o => o.Status == EventStatus.Stored),
                outcomes.Count(o => o.Status == EventStatus.Repeat),
                outcomes.Count(o => o.Status == EventStatus.Conflict),
                [.. targets.Values.Where(t => t.Created is not null && t.FirstBatch == i).Select(t => t.Id)],
                [.. scored.Qualified.Where(q => q.Batch == i).Select(q => q.Lead)],
                outcomes);
        }

        return true;
    }

    private sealed record Scored(List<ScoreUpdate> Updates, List<(int Batch, QualifiedLead Lead)> Qualified);

    /// <summary>
    /// Scores every touched lead from all its events with the pure functions. A lead whose stage may change (an Iql or
    /// Nurture lead that now meets the rule) and every new lead go through the <see cref="Lead"/> entity, so the lifecycle
    /// table decides and the stage event is written; the rest only get new score columns. Null when a lead changed under us.
    /// </summary>
    private async Task<Scored?> ScoreAsync(IEnumerable<Target> touched, ScoringModel model, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var targets = touched.ToList();
        var existing = targets.FindAll(t => t.Row is not null);
        var earlier = await EventReads.EventsOfAsync(db, existing.ConvertAll(t => t.Id), cancellationToken);

        var updates = new List<ScoreUpdate>(existing.Count);
        var qualified = new List<(int, QualifiedLead)>();
        var scored = new List<(Target Target, BehaviourType? HandRaise)>();
        var moving = new Dictionary<Guid, long>();
        var quick = new QuickScores(model);
        var position = 0;
        foreach (var target in targets)
        {
            var handRaise = target.Added.Where(e => model.HandRaiseTypes.Contains(e.Type)).OrderBy(e => e.OccurredAt).Select(e => (BehaviourType?)e.Type).FirstOrDefault();
            if (target.Row is { } row)
            {
                // Most touched leads only get new score columns: scored without the explanation lines.
                var timed = earlier[position++];
                timed.AddRange(target.Added.Select(e => new TimedEvent(e.Type, e.OccurredAt.UtcTicks)));
                var fit = quick.Fit(new LeadFacts(row.Industry, row.Employees, row.Country, row.JobTitle));
                var engagement = quick.Engagement(CollectionsMarshal.AsSpan(timed), now);
                if (row.Stage is not (Stage.Iql or Stage.Nurture) || MqlRule.Decide(model, fit, engagement, handRaise) is null)
                {
                    // An event of a type already at its cap (or a once-only type already counted) changes no score: the
                    // row, its version and the score indexes are left alone, as the rescore job does.
                    if (fit != row.FitScore || engagement != row.EngagementScore)
                    {
                        updates.Add(new ScoreUpdate(row.Id, row.Version, fit, engagement, now));
                    }

                    continue;
                }

                moving[row.Id] = row.Version;
            }

            scored.Add((target, handRaise));
        }

        // The rare case: the stage may move. Those leads are read as entities in this transaction, all in one query, with
        // their earlier events as the explanation takes them; if one is no longer the version its events were read with,
        // another writer came in between.
        var entities = moving.Count == 0 ? [] : await db.Leads.Include(l => l.Contact).Include(l => l.Company)
            .Where(l => moving.Keys.Contains(l.Id)).ToDictionaryAsync(l => l.Id, cancellationToken);
        if (entities.Count != moving.Count || entities.Values.Any(l => l.Version != moving[l.Id]))
        {
            return null;
        }

        var earlierOfMoving = await db.EventsOfAsync(moving.Keys, cancellationToken);
        foreach (var (target, handRaise) in scored)
        {
            List<ScoredEvent> events = [.. earlierOfMoving[target.Id], .. target.Added.Select(e => e.ToScored())];
            if (LeadScoring.Rescore(target.Created ?? entities[target.Id], model, events, handRaise, now) is { } rule)
            {
                qualified.Add((target.FirstBatch, new QualifiedLead(target.Id, rule)));
            }
        }

        return new Scored(updates, qualified);
    }

    /// <summary>New leads, stage changes, then the events and the score columns; false when a race was lost.</summary>
    private async Task<bool> WriteAsync(List<Company> companies, List<Lead> leads, List<BehaviourEvent> events, List<ScoreUpdate> updates, CancellationToken cancellationToken)
    {
        // New leads as the importer writes them: untracked, through one prepared statement per table, parents first. One that a hand-raise
        // made an MQL is routed first (docs/handover.md); its handover and assignment go in with EF's save below.
        await db.RouteUntrackedAsync(leads, cancellationToken);
        await BulkInsert.InsertAsync(db, companies, cancellationToken);
        await BulkInsert.InsertAsync(db, leads.ConvertAll(l => l.Contact), cancellationToken);
        await BulkInsert.InsertAsync(db, leads, cancellationToken);
        await BulkInsert.InsertAsync(db, leads.SelectMany(l => l.History).ToList(), cancellationToken);
        await BulkInsert.InsertAsync(db, leads.SelectMany(l => l.Happenings).ToList(), cancellationToken);
        if (db.ChangeTracker.HasChanges())
        {
            // The rare stage changes of existing leads, read as entities: routed as SaveChanges would route them, their new
            // rows (stage event, happening, handover) written as the new leads' are, and only the leads' changes left to EF.
            await db.RouteNewMqlsAsync(cancellationToken);
            await BulkInsert.InsertAddedAsync(db, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }

        await using var writes = EventWrites.Of(db);
        // In key order, so two writers on PostgreSQL take their row locks in the same order and do not deadlock.
        return await writes.InsertAllAsync([.. events.OrderBy(e => e.ExternalId, StringComparer.Ordinal)], cancellationToken)
            && await writes.UpdateAllAsync([.. updates.OrderBy(u => u.LeadId)], cancellationToken);
    }

    /// <summary>Iql leads for unknown addresses, as <see cref="CreateLead"/> makes them; companies found by domain in one query.</summary>
    private async Task<Result<Done>> CreateLeadsAsync(
        Guid org, List<(int Batch, Incoming Event)> fresh, IReadOnlyList<EventBatch> batches, Dictionary<string, LeadRow> byEmail,
        Dictionary<Guid, Target> targets, Dictionary<string, Target> targetOfEmail, List<Company> newCompanies, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var missing = new List<(int Batch, EmailAddress Email)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (batch, e) in fresh)
        {
            if (e.Email is { } email && !byEmail.ContainsKey(email.Value) && seen.Add(email.Value))
            {
                missing.Add((batch, email));
            }
        }

        if (missing.Count == 0)
        {
            return Done.Value;
        }

        var domains = missing.Select(m => LeadFields.CompanyDomainOf(m.Email)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        // Untracked: a new lead only refers to its company, and nothing here changes a company.
        var companies = domains.Count == 0 ? [] : await db.Companies.AsNoTracking()
            .Where(c => c.OrganisationId == org && c.Domain != null && domains.Contains(c.Domain))
            .ToDictionaryAsync(c => c.Domain!, StringComparer.Ordinal, cancellationToken);

        // Written untracked by WriteAsync: EF's change tracking and per-row statements were most of a new lead's cost.
        foreach (var (batch, email) in missing)
        {
            Company? company = null;
            if (LeadFields.CompanyDomainOf(email) is { } domain && !companies.TryGetValue(domain, out company))
            {
                company = companies[domain] = Company.Create(org, domain, domain, now);
                newCompanies.Add(company);
            }

            var contact = Contact.Create(org, email, now);
            contact.RecordBasis(Privacy.LawfulBasis.LegitimateInterest, Privacy.LawfulBasisSource.Api, now);
            var created = Lead.Create(contact, company, null, null, batches[batch].Actor, now);
            if (created.Error is { } refused)
            {
                return refused;
            }

            var target = new Target(created.Value.Id, batch) { Created = created.Value };
            targets[target.Id] = target;
            targetOfEmail[email.Value] = target;
        }

        return Done.Value;
    }

    private static Result<IReadOnlyList<Incoming>> Parse(RecordEventsRequest request, DateTimeOffset now)
    {
        if (request.Events is not { Count: > 0 and <= MaxBatch } events)
        {
            return Invalid.Field("events", $"Send 1 to {MaxBatch:N0} events.");
        }

        var fields = new LeadFields();
        var errors = fields.Errors;
        var batch = new List<Incoming>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            var at = $"events[{i}]";
            if (events[i] is not { } e)
            {
                errors[at] = ["An event object is required."];
                continue;
            }

            var externalId = fields.Text(e.ExternalId, at + ".externalId", BehaviourEvent.MaxExternalIdLength);
            if (externalId is null && !errors.ContainsKey(at + ".externalId"))
            {
                errors[at + ".externalId"] = ["An external id that identifies this event in your system is required."];
            }

            BehaviourType type = default;
            if (string.IsNullOrWhiteSpace(e.Type) || int.TryParse(e.Type, out _) || !Enum.TryParse(e.Type.Trim(), ignoreCase: true, out type))
            {
                errors[at + ".type"] = ["One of " + string.Join(", ", Enum.GetNames<BehaviourType>()) + "."];
            }

            EmailAddress? email = null;
            if (e.LeadId is not null && e.Email is not null)
            {
                errors[at + ".email"] = ["Refer to the lead by leadId or by email, not both."];
            }
            else if (e.LeadId is null)
            {
                email = e.Email is null ? null : fields.Email(e.Email, at + ".email");
                if (e.Email is null)
                {
                    errors[at + ".email"] = ["An email or a leadId is required."];
                }
            }

            if (e.OccurredAt is not { } occurredAt)
            {
                errors[at + ".occurredAt"] = ["When it happened is required (ISO 8601 with an offset)."];
            }
            else if (occurredAt > now.AddDays(1))
            {
                errors[at + ".occurredAt"] = ["This lies in the future."];
            }

            string? properties = null;
            if (e.Properties is { } json && json.ValueKind != JsonValueKind.Null)
            {
                if (json.ValueKind != JsonValueKind.Object)
                {
                    errors[at + ".properties"] = ["A JSON object, or leave it out."];
                }
                else
                {
                    properties = JsonSerializer.Serialize(json);
                    if (properties.Length > BehaviourEvent.MaxPropertiesLength)
                    {
                        errors[at + ".properties"] = [$"At most {BehaviourEvent.MaxPropertiesLength:N0} characters of JSON."];
                    }
                }
            }

            if (externalId is not null && e.OccurredAt is { } when)
            {
                var body = $"{type}\n{email?.Value}\n{e.LeadId}\n{when.UtcTicks}\n{properties}";
                batch.Add(new Incoming(i, externalId, type, email, e.LeadId, when, properties, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body)))));
            }
        }

        return fields.ToError() is { } invalid ? invalid : batch;
    }
}
