using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Leadgate.Scoring;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Privacy;

public sealed record PersonContact(
    Guid Id, string Email, string? FirstName, string? LastName, string? JobTitle, string? Phone,
    LawfulBasis? LawfulBasis, LawfulBasisSource? LawfulBasisSource, DateTimeOffset? LawfulBasisAt);

/// <summary>A behaviour event as it was received; <c>properties</c> is the JSON object the sender gave, as text.</summary>
public sealed record ExportedEvent(Guid LeadId, string ExternalId, BehaviourType Type, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt, string? Properties);

public sealed record ExportedHandover(
    Guid LeadId, DateTimeOffset StartedAt, DateTimeOffset? AssignedAt, Guid? OwnerId, string? Team, DateTimeOffset? SlaDueAt, DateTimeOffset? FirstTouchAt,
    DateTimeOffset? BreachedAt, DateTimeOffset? EndedAt);

public sealed record ExportedDeal(
    Guid Id, Guid LeadId, string Title, decimal Value, string Currency, DealStatus Status, DateOnly ExpectedCloseDate, decimal? ProposalAmount, decimal? WonAmount,
    DateOnly? ClosedOn, string? LostReason, string? LostNote, string? NextStep, DateTimeOffset CreatedAt);

public sealed record ExportedStakeholder(Guid DealId, string DealTitle, StakeholderRole Role, DateTimeOffset AddedAt);

public sealed record ExportedConsent(string FormName, string Text, string TextVersion, DateTimeOffset GivenAt);

/// <summary>
/// Everything the organisation holds about one person (GDPR Art. 15 and 20): their contact, their leads with company, stage
/// history, activities with notes and BANT, their behaviour events, handovers, their own deal, the deals they are a
/// stakeholder of, and their consents.
/// </summary>
public sealed record PersonExport(
    DateTimeOffset ExportedAt,
    PersonContact Contact,
    IReadOnlyList<LeadDetails> Leads,
    IReadOnlyList<ExportedEvent> Events,
    IReadOnlyList<ExportedHandover> Handovers,
    IReadOnlyList<ExportedDeal> Deals,
    IReadOnlyList<ExportedStakeholder> StakeholderOf,
    IReadOnlyList<ExportedConsent> Consents);

/// <summary>A person's export by e-mail address (docs/privacy.md). Admin only; recorded in the audit log.</summary>
public sealed class ExportPerson(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<PersonExport>> HandleAsync(string? email, Actor actor, CancellationToken cancellationToken)
    {
        if (!Admin.May(actor))
        {
            return new Forbidden("Only an admin exports a person's data.");
        }

        var parsed = EmailAddress.Parse(email);
        if (parsed.Error is { } invalid)
        {
            return invalid;
        }

        var org = actor.OrganisationId;
        var address = parsed.Value.Value;
        var contact = await db.Contacts.AsNoTracking().Where(c => c.OrganisationId == org && c.Email == address)
            .Select(c => new PersonContact(c.Id, c.Email, c.FirstName, c.LastName, c.JobTitle, c.Phone, c.LawfulBasis, c.LawfulBasisSource, c.LawfulBasisAt))
            .FirstOrDefaultAsync(cancellationToken);
        if (contact is null)
        {
            return new NotFound("Person", address);
        }

        var leadIds = await db.Leads.Where(l => l.ContactId == contact.Id && l.OrganisationId == org).Select(l => l.Id).ToListAsync(cancellationToken);
        var leads = new List<LeadDetails>(leadIds.Count);
        var read = new GetLead(db, clock);
        foreach (var id in leadIds)
        {
            leads.Add((await read.HandleAsync(id, actor, cancellationToken)).Value);
        }

        var events = await db.BehaviourEvents.AsNoTracking().Where(e => leadIds.Contains(e.LeadId)).OrderBy(e => e.OccurredAt)
            .Select(e => new ExportedEvent(e.LeadId, e.ExternalId, e.Type, e.OccurredAt, e.ReceivedAt, e.Properties)).ToListAsync(cancellationToken);
        var handovers = await db.Handovers.AsNoTracking().Where(h => leadIds.Contains(h.LeadId)).OrderBy(h => h.StartedAt)
            .Select(h => new ExportedHandover(h.LeadId, h.StartedAt, h.AssignedAt, h.OwnerId, h.Team, h.SlaDueAt, h.FirstTouchAt, h.BreachedAt, h.EndedAt)).ToListAsync(cancellationToken);
        var deals = await db.Deals.AsNoTracking().Where(d => leadIds.Contains(d.LeadId))
            .Select(d => new ExportedDeal(d.Id, d.LeadId, d.Title, d.Value, d.Currency, d.Status, d.ExpectedCloseDate, d.ProposalAmount, d.WonAmount, d.ClosedOn, d.LostReason, d.LostNote, d.NextStepText, d.CreatedAt))
            .ToListAsync(cancellationToken);
        var stakeholderOf = await db.Stakeholders.AsNoTracking().Where(s => s.ContactId == contact.Id && s.OrganisationId == org)
            .Join(db.Deals, s => s.DealId, d => d.Id, (s, d) => new ExportedStakeholder(d.Id, d.Title, s.Role, s.AddedAt)).ToListAsync(cancellationToken);
        var consents = await db.Consents.AsNoTracking().Where(c => c.ContactId == contact.Id).OrderBy(c => c.GivenAt)
            .Select(c => new ExportedConsent(c.FormName, c.Text, c.TextVersion, c.GivenAt)).ToListAsync(cancellationToken);

        var now = clock.GetUtcNow();
        db.AuditEntries.Add(AuditEntry.Record(actor, "person.exported", AuditEntry.Person, contact.Id, null, now));
        await db.SaveChangesAsync(cancellationToken);
        return new PersonExport(now, contact, leads, events, handovers, deals, stakeholderOf, consents);
    }
}

/// <summary>Who may export, erase and read the audit log: an admin, or the operator at the command line.</summary>
internal static class Admin
{
    public static bool May(Actor actor) => actor.IsIn(Roles.Admin) || (actor.Channel == Channel.Cli && actor.Kind == ActorKind.System);
}
