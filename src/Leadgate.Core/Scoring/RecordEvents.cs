using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Scoring;

public sealed record RecordEventsRequest
{
    public IReadOnlyList<EventInput?>? Events { get; set; }
}

/// <summary>One behaviour event: who (a lead id or an e-mail address), what, when, and free properties.</summary>
public sealed record EventInput
{
    public string? ExternalId { get; set; }

    public string? Type { get; set; }

    public string? Email { get; set; }

    public Guid? LeadId { get; set; }

    public DateTimeOffset? OccurredAt { get; set; }

    public JsonElement? Properties { get; set; }
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

/// <summary>
/// Takes a batch of 1 to 1,000 behaviour events: stores each new one once (its external id makes a retry harmless),
/// creates an Iql lead for an unknown e-mail address, rescores every lead the batch touched and applies the MQL rule.
/// A batch with any invalid event is refused whole, naming each bad field (<c>events[3].email</c>); nothing is written.
/// The batch costs a fixed number of queries, whatever its size.
/// </summary>
public sealed class RecordEvents(LeadgateDbContext db, TimeProvider clock)
{
    public const int MaxBatch = 1_000;
    private const int Attempts = 20;
    private static readonly string[] NoSuchLead = ["No lead with this id exists in your organisation."];

    public async Task<Result<RecordedEvents>> HandleAsync(RecordEventsRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var parsed = Parse(request, clock.GetUtcNow());
        if (parsed.Error is { } invalid)
        {
            return invalid;
        }

        for (var attempt = 1; ; attempt++)
        {
            var result = await RecordAsync(parsed.Value, actor, cancellationToken);
            if (result.Error is Conflict { Code: "duplicate" or "concurrent-update" } && attempt < Attempts)
            {
                // Another batch wrote some of the same events or leads a moment ago: read again and redo the batch on top of it.
                db.ChangeTracker.Clear();
                await Task.Delay(Random.Shared.Next(5, 20 * attempt), cancellationToken);
                continue;
            }

            return result;
        }
    }

    private sealed record Incoming(int Index, string ExternalId, BehaviourType Type, EmailAddress? Email, Guid? LeadId, DateTimeOffset OccurredAt, string? Properties, string Hash);

    private async Task<Result<RecordedEvents>> RecordAsync(IReadOnlyList<Incoming> batch, Actor actor, CancellationToken cancellationToken)
    {
        var org = actor.OrganisationId;
        var now = clock.GetUtcNow();
        var model = await db.ScoringModelOfAsync(org, cancellationToken);

        var externalIds = batch.Select(e => e.ExternalId).Distinct(StringComparer.Ordinal).ToList();
        var known = await db.BehaviourEvents.AsNoTracking()
            .Where(e => e.OrganisationId == org && externalIds.Contains(e.ExternalId))
            .Select(e => new { e.ExternalId, e.BodyHash, e.LeadId })
            .ToDictionaryAsync(e => e.ExternalId, e => (e.BodyHash, e.LeadId), StringComparer.Ordinal, cancellationToken);

        // Which events are new: the first of an external id in this batch that the organisation has not seen.
        var firstInBatch = new Dictionary<string, Incoming>(StringComparer.Ordinal);
        var fresh = new List<Incoming>();
        foreach (var e in batch)
        {
            if (!known.ContainsKey(e.ExternalId) && firstInBatch.TryAdd(e.ExternalId, e))
            {
                fresh.Add(e);
            }
        }

        var leadIds = fresh.Where(e => e.LeadId is not null).Select(e => e.LeadId!.Value).Distinct().ToList();
        var emails = fresh.Where(e => e.Email is not null).Select(e => e.Email!.Value).Distinct(StringComparer.Ordinal).ToList();
        var leads = leadIds.Count == 0 ? [] : await db.Leads.Include(l => l.Contact).Include(l => l.Company)
            .Where(l => l.OrganisationId == org && leadIds.Contains(l.Id))
            .ToListAsync(cancellationToken);
        var byId = leads.ToDictionary(l => l.Id);
        var byEmail = emails.Count == 0 ? [] : await db.Leads.Include(l => l.Contact).Include(l => l.Company)
            // Naming the contact's organisation too lets the database use the (organisation, e-mail) index of contacts
            // instead of scanning the organisation's leads (docs/performance.md, P1).
            .Where(l => l.OrganisationId == org && l.Contact.OrganisationId == org && emails.Contains(l.Contact.Email))
            .ToDictionaryAsync(l => l.Contact.Email, StringComparer.Ordinal, cancellationToken);

        var unknownLeads = fresh.Where(e => e.LeadId is { } id && !byId.ContainsKey(id))
            .ToDictionary(e => $"events[{e.Index}].leadId", _ => NoSuchLead);
        if (unknownLeads.Count > 0)
        {
            return new Invalid(unknownLeads);
        }

        var created = await CreateLeadsAsync(emails.Where(e => !byEmail.ContainsKey(e)).ToList(), actor, now, cancellationToken);
        if (created.Error is { } refused)
        {
            return refused;
        }

        foreach (var lead in created.Value)
        {
            byEmail[lead.Contact.Email] = lead;
        }

        Lead LeadOf(Incoming e) => e.LeadId is { } id ? byId[id] : byEmail[e.Email!.Value];

        var stored = new List<(Incoming Event, Lead Lead)>();
        foreach (var e in fresh)
        {
            var lead = LeadOf(e);
            db.BehaviourEvents.Add(BehaviourEvent.Record(org, lead.Id, e.ExternalId, e.Type, e.OccurredAt, e.Properties, e.Hash, now));
            stored.Add((e, lead));
        }

        var qualified = await RescoreAsync(stored, model, now, cancellationToken);

        var outcomes = new List<EventOutcome>(batch.Count);
        foreach (var e in batch)
        {
            if (known.TryGetValue(e.ExternalId, out var before))
            {
                outcomes.Add(new EventOutcome(e.Index, e.ExternalId, before.BodyHash == e.Hash ? EventStatus.Repeat : EventStatus.Conflict, before.LeadId));
            }
            else
            {
                var first = firstInBatch[e.ExternalId];
                var status = ReferenceEquals(first, e) ? EventStatus.Stored : first.Hash == e.Hash ? EventStatus.Repeat : EventStatus.Conflict;
                outcomes.Add(new EventOutcome(e.Index, e.ExternalId, status, LeadOf(first).Id));
            }
        }

        if (stored.Count > 0)
        {
            var saved = await SaveBatchAsync(cancellationToken);
            if (saved.Error is { } error)
            {
                return error;
            }
        }

        return new RecordedEvents(
            outcomes.Count(o => o.Status == EventStatus.Stored),
            outcomes.Count(o => o.Status == EventStatus.Repeat),
            outcomes.Count(o => o.Status == EventStatus.Conflict),
            [.. created.Value.Select(l => l.Id)],
            qualified,
            outcomes);
    }

    private async Task<Result<Done>> SaveBatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await db.SaveAsync(null, cancellationToken);
        }
        catch (InvalidOperationException exception) when (exception.InnerException is DbUpdateException)
        {
            // PostgreSQL ends a deadlock between two batches inserting the same external ids by failing one of them
            // (reported as a transient failure); that batch is simply done again, on top of the other.
            db.ChangeTracker.Clear();
            return new Conflict("duplicate", "Another batch wrote the same events at the same moment; retry.");
        }
    }

    /// <summary>Rescores each lead that got new events, from all its events, in one query for the lot.</summary>
    private async Task<List<QualifiedLead>> RescoreAsync(List<(Incoming Event, Lead Lead)> stored, ScoringModel model, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var touched = stored.Select(s => s.Lead).DistinctBy(l => l.Id).ToList();
        if (touched.Count == 0)
        {
            return [];
        }

        var ids = touched.Select(l => l.Id).ToList();
        var earlier = (await db.BehaviourEvents.AsNoTracking()
            .Where(e => ids.Contains(e.LeadId))
            .Select(e => new { e.LeadId, e.ExternalId, e.Type, e.OccurredAt })
            .ToListAsync(cancellationToken))
            .ToLookup(e => e.LeadId, e => new ScoredEvent(e.ExternalId, e.Type, e.OccurredAt));
        var added = stored.ToLookup(s => s.Lead.Id, s => s.Event);

        var qualified = new List<QualifiedLead>();
        foreach (var lead in touched)
        {
            var events = earlier[lead.Id].Concat(added[lead.Id].Select(e => new ScoredEvent(e.ExternalId, e.Type, e.OccurredAt)));
            var handRaise = added[lead.Id].Where(e => model.HandRaiseTypes.Contains(e.Type)).OrderBy(e => e.OccurredAt).Select(e => (BehaviourType?)e.Type).FirstOrDefault();
            if (LeadScoring.Rescore(lead, model, events, handRaise, now) is { } rule)
            {
                qualified.Add(new QualifiedLead(lead.Id, rule));
            }
        }

        return qualified;
    }

    /// <summary>Iql leads for unknown addresses, as <see cref="CreateLead"/> makes them; companies found by domain in one query.</summary>
    private async Task<Result<List<Lead>>> CreateLeadsAsync(List<string> emails, Actor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (emails.Count == 0)
        {
            return new List<Lead>();
        }

        var addresses = emails.Select(EmailAddress.FromStored).ToList();
        var domains = addresses.Select(LeadFields.CompanyDomainOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var companies = domains.Count == 0 ? [] : await db.Companies
            .Where(c => c.OrganisationId == actor.OrganisationId && c.Domain != null && domains.Contains(c.Domain))
            .ToDictionaryAsync(c => c.Domain!, StringComparer.Ordinal, cancellationToken);

        var leads = new List<Lead>(addresses.Count);
        foreach (var email in addresses)
        {
            var company = await CompanyFacts.FindOrCreateAsync(db, actor.OrganisationId, null, email, null, now, cancellationToken, companies);
            var contact = Contact.Create(actor.OrganisationId, email, now);
            var created = Lead.Create(contact, company, null, null, actor, now);
            if (created.Error is { } refused)
            {
                return refused;
            }

            db.Leads.Add(created.Value);
            leads.Add(created.Value);
        }

        return leads;
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
