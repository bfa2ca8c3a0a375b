using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Privacy;

/// <summary>Whom to erase: by e-mail address or by one of their leads; and why (kept in the audit log).</summary>
public sealed record ErasureRequest
{
    [MaxLength(EmailAddress.MaxLength)]
    public string? Email { get; set; }

    public Guid? LeadId { get; set; }

    [Required]
    [MaxLength(AuditEntry.MaxReasonLength)]
    public string? Reason { get; set; }
}

/// <summary>What an erasure removed, as counts: never the data itself.</summary>
public sealed record Erasure(
    Guid? ContactId,
    Guid? LeadId,
    int Contacts,
    int Leads,
    int Deals,
    int StageNotes,
    int Activities,
    int ScheduledActivities,
    int Objections,
    int Events,
    int Consents,
    int Notifications,
    int WebhookDeliveries,
    int IdempotentResponses,
    bool Suppressed)
{
    /// <summary>Agency hand-overs of the lead (at the agency or at the client) whose note was cleared (docs/agency.md).</summary>
    public int AgencyNotes { get; init; }

    /// <summary>
    /// How many of the person's leads at a linked organisation (the agency that handed them over, or the client it handed
    /// them to) were erased with them: an erasure is passed on (GDPR Art. 19), and the other side suppresses them too.
    /// </summary>
    public int PassedOn { get; init; }
}

/// <summary>
/// Erases one person (GDPR Art. 17, bar R8; docs/privacy.md): their contact's fields and every free text about them are
/// gone, their consent records and stored answers deleted; the lead, its deal and its history stay as anonymous rows with
/// stages, dates, source, campaign, scores and amounts, so every funnel count is what it was. Their address joins the
/// suppression list, so no intake path brings them back. Admin only; recorded in the audit log (with the reason, never
/// the address). On SQLite the write-ahead log is checkpointed and truncated afterwards, so the old pages do not linger
/// there (secure_delete, on for every connection, zeroes what was freed).
/// </summary>
public sealed class ErasePerson(LeadgateDbContext db, TimeProvider clock, SuppressionList suppression)
{
    private const string Fields = "email,firstName,lastName,jobTitle,phone,bant.notes,attributes,searchText,stageNotes,activityNotes,agencyNotes,eventProperties,consents,storedResponses";

    public async Task<Result<Erasure>> HandleAsync(ErasureRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (!Admin.May(actor))
        {
            return new Forbidden("Only an admin erases a person.");
        }

        var reason = request.Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            return Invalid.Field("reason", "Say why the person is erased (such as their request's reference).");
        }

        if ((request.Email is null) == (request.LeadId is null))
        {
            return Invalid.Field("email", "Send the person's email or one of their leadId, not both.");
        }

        var org = actor.OrganisationId;
        Contact? contact;
        string? email = null;
        if (request.LeadId is { } leadId)
        {
            contact = await db.Leads.Where(l => l.Id == leadId && l.OrganisationId == org).Select(l => l.Contact).FirstOrDefaultAsync(cancellationToken);
            if (contact is null)
            {
                return new NotFound("Lead", leadId);
            }
        }
        else
        {
            var parsed = EmailAddress.Parse(request.Email);
            if (parsed.Error is { } invalid)
            {
                return invalid;
            }

            email = parsed.Value.Value;
            contact = await db.Contacts.FirstOrDefaultAsync(c => c.OrganisationId == org && c.Email == email, cancellationToken);
        }

        if (contact is not null && !contact.IsErased)
        {
            email = contact.Email;
        }

        // The person's leads on the other side of an agency link, to erase with them (GDPR Art. 19).
        var linked = contact is null ? [] : await LinkedLeadsAsync(contact.Id, cancellationToken);

        // The keys are made (once) before the transaction, each in its own unit of work.
        foreach (var organisation in linked.Select(l => l.OrganisationId).Append(org).Distinct())
        {
            await suppression.PrepareAsync(db, organisation, cancellationToken);
        }

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var erasure = contact is null || contact.IsErased
            ? new Erasure(contact?.Id, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, email is not null)
            : await EraseAsync(contact, now, cancellationToken);
        if (email is not null)
        {
            await suppression.AddAsync(db, org, email, cancellationToken);
        }

        var passedOn = 0;
        foreach (var (otherLead, otherOrganisation) in linked)
        {
            var other = await db.Leads.Where(l => l.Id == otherLead && l.OrganisationId == otherOrganisation).Select(l => l.Contact).FirstOrDefaultAsync(cancellationToken);
            if (other is null || other.IsErased)
            {
                continue;
            }

            var otherEmail = other.Email;
            await EraseAsync(other, now, cancellationToken);
            await suppression.AddAsync(db, otherOrganisation, otherEmail, cancellationToken);
            db.AuditEntries.Add(AuditEntry.ErasurePassedOn(otherOrganisation, other.Id, Fields.Split(','), now));
            passedOn++;
        }

        erasure = erasure with { PassedOn = passedOn };
        db.AuditEntries.Add(AuditEntry.Record(actor, "person.erased", AuditEntry.Person, contact?.Id, erasure.Contacts > 0 ? Fields.Split(',') : null, now, reason));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await TruncateLogAsync(cancellationToken);
        return erasure;
    }

    /// <summary>
    /// Retention (<see cref="SweepRetention"/>): the same erasure of one lead's person, by a rule, recorded as
    /// <c>lead.anonymised</c>; the address is not suppressed (the person did not ask to be forgotten, and may come back
    /// through a form). False when the lead's person was erased already (another sweep or an admin got there first).
    /// </summary>
    public async Task<bool> AnonymiseAsync(Guid leadId, Actor rule, string reason, CancellationToken cancellationToken)
    {
        var contact = await db.Leads.Where(l => l.Id == leadId && l.OrganisationId == rule.OrganisationId).Select(l => l.Contact).FirstOrDefaultAsync(cancellationToken);
        if (contact is null || contact.IsErased)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await EraseAsync(contact, now, cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(rule, "lead.anonymised", "Lead", leadId, Fields.Split(','), now, reason));
        // The lead's version guards the save: of two sweeps erasing the same lead at once, one fails and changes nothing.
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The leads of the contact's person at linked organisations: the client's lead a hand-over of theirs made, or
    /// the agency's lead a hand-over to this organisation came from.</summary>
    private async Task<List<(Guid LeadId, Guid OrganisationId)>> LinkedLeadsAsync(Guid contactId, CancellationToken cancellationToken)
    {
        var leadId = await db.Leads.Where(l => l.ContactId == contactId).Select(l => (Guid?)l.Id).FirstOrDefaultAsync(cancellationToken);
        if (leadId is not { } id)
        {
            return [];
        }

        var handovers = await db.AgencyHandovers.AsNoTracking().Where(h => h.AgencyLeadId == id || h.ClientLeadId == id)
            .Select(h => new { h.AgencyLeadId, h.AgencyOrganisationId, h.ClientLeadId, h.ClientOrganisationId })
            .ToListAsync(cancellationToken);
        return [.. handovers
            .Select(h => h.AgencyLeadId == id ? (Lead: h.ClientLeadId, Organisation: h.ClientOrganisationId) : (Lead: (Guid?)h.AgencyLeadId, Organisation: h.AgencyOrganisationId))
            .Where(h => h.Lead is not null)
            .Select(h => (h.Lead!.Value, h.Organisation))
            .Distinct()];
    }

    /// <summary>After a sweep's erasures: on SQLite, the write-ahead log's old pages go (as after an admin's erasure).</summary>
    public Task CheckpointAsync(CancellationToken cancellationToken) => TruncateLogAsync(cancellationToken);

    private async Task<Erasure> EraseAsync(Contact contact, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var org = contact.OrganisationId;
        var lead = await db.Leads.Include(l => l.Contact).Include(l => l.Company).FirstOrDefaultAsync(l => l.ContactId == contact.Id, cancellationToken);
        var texts = new[] { contact.Email, contact.FirstName, contact.LastName, contact.Phone }.OfType<string>().Where(t => t.Length >= 3).ToList();
        if (lead is null)
        {
            contact.Erase();
        }
        else
        {
            lead.Erase(now);
        }

        var consents = await db.Consents.Where(c => c.ContactId == contact.Id).ExecuteDeleteAsync(cancellationToken);
        if (lead is null)
        {
            var responses = await ForgetResponsesAsync(org, [contact.Id.ToString(), .. texts], cancellationToken);
            return new Erasure(contact.Id, null, 1, 0, 0, 0, 0, 0, 0, 0, consents, 0, 0, responses, true);
        }

        var id = lead.Id;
        var deal = await db.Deals.FirstOrDefaultAsync(d => d.LeadId == id, cancellationToken);
        deal?.Erase(lead.Company?.Name, now);
        var dealId = deal?.Id;

        // The history's rows stay (the funnel counts them); only their free text goes. An MQL's reason is free text.
        var stageNotes = await db.StageEvents.Where(e => e.LeadId == id && (e.Note != null || (e.To == Stage.Mql && e.Reason != null)))
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.Note, (string?)null).SetProperty(e => e.Reason, e => e.To == Stage.Mql ? null : e.Reason), cancellationToken);
        var activities = await db.Activities.Where(a => a.LeadId == id && a.Notes != null).ExecuteUpdateAsync(u => u.SetProperty(a => a.Notes, (string?)null), cancellationToken);
        // An agency's note about the person sits on the hand-over both sides read: it goes whichever side erases them.
        var agencyNotes = await db.AgencyHandovers.Where(h => (h.AgencyLeadId == id || h.ClientLeadId == id) && h.Note != null)
            .ExecuteUpdateAsync(u => u.SetProperty(h => h.Note, (string?)null), cancellationToken);
        var scheduled = await db.ScheduledActivities.Where(a => a.LeadId == id && a.Notes != null).ExecuteUpdateAsync(u => u.SetProperty(a => a.Notes, (string?)null), cancellationToken);
        var objections = dealId is null ? 0 : await db.Objections.Where(o => o.DealId == dealId)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.Text, "(erased)").SetProperty(o => o.Answer, o => o.Answer == null ? null : "(erased)"), cancellationToken);

        // Behaviour events keep their type and time (the scores are made of them); their properties, and the external id
        // and body hash that may carry or reveal the address, go.
        var eventIds = await db.BehaviourEvents.Where(e => e.LeadId == id).Select(e => e.Id).ToListAsync(cancellationToken);
        foreach (var eventId in eventIds)
        {
            var externalId = "erased:" + eventId.ToString("N");
            await db.BehaviourEvents.Where(e => e.Id == eventId)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.Properties, (string?)null).SetProperty(e => e.ExternalId, externalId).SetProperty(e => e.BodyHash, ""), cancellationToken);
        }

        // The outbox: a happening's payload carries no name, but an MQL's reason is free text; the webhook bodies made from
        // them are deleted with their delivery log lines.
        var happenings = await db.Happenings.Where(h => h.LeadId == id).Select(h => new { h.Id, h.Payload }).ToListAsync(cancellationToken);
        var notifications = 0;
        foreach (var happening in happenings)
        {
            if (JsonSerializer.Deserialize<HappeningData>(happening.Payload, HappeningData.Json) is { Reason: not null } data)
            {
                var payload = JsonSerializer.Serialize(data with { Reason = null }, HappeningData.Json);
                notifications += await db.Happenings.Where(h => h.Id == happening.Id).ExecuteUpdateAsync(u => u.SetProperty(h => h.Payload, payload), cancellationToken);
            }
        }

        var happeningIds = happenings.ConvertAll(h => h.Id);
        var deliveries = happeningIds.Count == 0 ? 0 : await db.WebhookDeliveries.Where(d => happeningIds.Contains(d.HappeningId)).ExecuteDeleteAsync(cancellationToken);
        List<string> marks = [id.ToString(), contact.Id.ToString(), .. texts];
        if (dealId is { } d)
        {
            marks.Add(d.ToString());
        }

        var responsesOfLead = await ForgetResponsesAsync(org, marks, cancellationToken);
        return new Erasure(contact.Id, id, 1, 1, deal is null ? 0 : 1, stageNotes, activities, scheduled, objections, eventIds.Count, consents, notifications, deliveries, responsesOfLead, true)
        {
            AgencyNotes = agencyNotes,
        };
    }

    /// <summary>
    /// Stored answers to idempotent requests that name the person (their lead's id in the address or the body, or their
    /// address, name or phone in the body) are deleted: a retry after erasure gets no copy of their data.
    /// </summary>
    private async Task<int> ForgetResponsesAsync(Guid org, List<string> marks, CancellationToken cancellationToken)
    {
        var forgotten = 0;
        var records = await db.IdempotencyRecords.AsNoTracking().Where(r => r.OrganisationId == org)
            .Select(r => new { r.UserId, r.Key, r.Location, r.Body }).ToListAsync(cancellationToken);
        foreach (var record in records)
        {
            var body = record.Body is { } bytes ? Encoding.UTF8.GetString(bytes) : "";
            if (marks.Any(m => (record.Location?.Contains(m, StringComparison.OrdinalIgnoreCase) ?? false) || body.Contains(m, StringComparison.OrdinalIgnoreCase)))
            {
                forgotten += await db.IdempotencyRecords.Where(r => r.OrganisationId == org && r.UserId == record.UserId && r.Key == record.Key).ExecuteDeleteAsync(cancellationToken);
            }
        }

        return forgotten;
    }

    /// <summary>
    /// On SQLite, copies the log into the database and truncates it: the erased rows' old pages leave the WAL now. SQLite runs
    /// one checkpoint at a time and answers "busy" at once, without waiting, to a second one, so a TRUNCATE that meets the
    /// background checkpointer's pass (every 50 ms) is tried again, for up to two seconds.
    /// </summary>
    private async Task TruncateLogAsync(CancellationToken cancellationToken)
    {
        if (db.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            for (var attempt = 0; attempt < TruncateAttempts; attempt++)
            {
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    // One row: 1 when the checkpoint was blocked, then the log's pages and how many were copied.
                    if (!await reader.ReadAsync(cancellationToken) || reader.GetInt64(0) == 0)
                    {
                        return;
                    }
                }

                // Real time: the file's housekeeping, not a business clock.
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }

            // Still blocked (a long read holds old pages): the background checkpoint copies them once that reader is done.
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private const int TruncateAttempts = 100;
}
