using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Privacy;
using Leadgate.Qualification;
using Leadgate.Scoring;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

public sealed record HandOverLeadRequest
{
    /// <summary>The active link to the client the lead goes to.</summary>
    [Required]
    public Guid? LinkId { get; set; }

    /// <summary>A note for the client's sales, shown with the reply.</summary>
    [MaxLength(AgencyHandover.MaxNoteLength)]
    public string? Note { get; set; }
}

/// <summary>
/// An agency hands one of its MQLs (a prospect that replied) to a client over an active link. The client gets the lead as
/// an MQL through its own lifecycle (created, then made MQL by the hand-raise, routed, with its response clock), with the
/// source <c>Agency: name</c>, the campaign, the lawful basis and where the data came from, and the reply as the agency's
/// inbound message: context, not the client's own conversation. A person the client already has gets no second lead: the
/// existing lead gets the hand-raise (an Iql or Nurture lead may become an MQL by the usual rules; any other is only
/// noted) and the agency hears <c>AlreadyKnown</c> and nothing else. Handing the same lead over the same link again
/// answers as the first time.
/// </summary>
public sealed class HandOverLead(LeadgateDbContext db, TimeProvider clock, SuppressionList suppression)
{
    private const int Attempts = 3;

    public Task<Result<HandoverReceipt>> HandleAsync(Guid leadId, HandOverLeadRequest request, Actor actor, CancellationToken cancellationToken) =>
        HandleAsync(leadId, request, actor, Attempts, cancellationToken);

    private async Task<Result<HandoverReceipt>> HandleAsync(Guid leadId, HandOverLeadRequest request, Actor actor, int attemptsLeft, CancellationToken cancellationToken)
    {
        var lead = await db.Leads.AsNoTracking()
            .Include(l => l.Contact)
            .Include(l => l.Company)
            .FirstOrDefaultAsync(l => l.Id == leadId && l.OrganisationId == actor.OrganisationId, cancellationToken);
        if (lead is null)
        {
            return new NotFound("Lead", leadId);
        }

        if (request.LinkId is not { } linkId)
        {
            return Invalid.Field("linkId", "The link to the client is required.");
        }

        var link = await db.AgencyLinks.AsNoTracking().FirstOrDefaultAsync(l => l.Id == linkId && l.AgencyOrganisationId == actor.OrganisationId, cancellationToken);
        if (link is null)
        {
            return Invalid.Field("linkId", "The agency has no link with this id.");
        }

        if (await db.AgencyHandovers.AsNoTracking().FirstOrDefaultAsync(h => h.LinkId == link.Id && h.AgencyLeadId == lead.Id, cancellationToken) is { } earlier)
        {
            return new HandoverReceipt(earlier.Id, earlier.Status);
        }

        // A campaign rule (HandOverByCampaign) hands over as itself; of the agency's people, marketing and sales do.
        if (actor.Kind != ActorKind.Rule && !actor.IsIn(Roles.Marketing) && !actor.IsIn(Roles.Sales))
        {
            return new Forbidden("Only the agency's marketing or sales users hand a lead over.");
        }

        if (link.Status != AgencyLinkStatus.Active)
        {
            return new Conflict("link-not-active", link.Status == AgencyLinkStatus.Pending
                ? "The client has not accepted the link yet."
                : "The link was ended; nothing more is handed over on it.");
        }

        if (lead.Stage != Stage.Mql)
        {
            return new Conflict("not-mql", $"Only an MQL (a prospect that replied) is handed over; this lead is {lead.Stage}.") { Subject = lead.Stage.ToString() };
        }

        if (request.Note?.Trim().Length > AgencyHandover.MaxNoteLength)
        {
            return Invalid.Field("note", $"At most {AgencyHandover.MaxNoteLength} characters.");
        }

        var now = clock.GetUtcNow();
        var agencyName = await db.Organisations.AsNoTracking().Where(o => o.Id == actor.OrganisationId).Select(o => o.Name).FirstAsync(cancellationToken);
        var reply = await ReplyOfAsync(lead, agencyName, request.Note, now, cancellationToken);
        var origin = $"Handed over by {agencyName} (outreach agency) from its {lead.Source ?? "outreach"}"
            + (lead.Campaign is null ? "" : $", campaign '{lead.Campaign}'")
            + (lead.Contact.LawfulBasis is { } basis ? $"; the agency holds the data on {basis}" : "")
            + $"; received {now:yyyy-MM-dd}.";
        var intake = Actor.ForIntegration(link.ClientOrganisationId, Truncate($"Agency: {agencyName}", 200));
        var handRaise = Actor.ForRule(link.ClientOrganisationId, Truncate($"Agency hand-over: {agencyName}", 200));
        var reason = Truncate($"hand-raise: replied to {agencyName}'s outreach", 200);
        var responseTime = link.ResponseHours is { } hours ? TimeSpan.FromMinutes((double)(hours * 60m)) : (TimeSpan?)null;

        var known = await db.Leads
            .Include(l => l.Contact)
            .Include(l => l.Company)
            .Include(l => l.Handovers.Where(h => h.EndedAt == null))
            .FirstOrDefaultAsync(l => l.OrganisationId == link.ClientOrganisationId && l.Contact.Email == lead.Contact.Email, cancellationToken);
        AgencyHandover record;
        if (known is not null || await suppression.IsSuppressedAsync(db, link.ClientOrganisationId, lead.Contact.Email, cancellationToken))
        {
            // The client has the person (or erased them and must not get them back): no second lead, nothing revealed.
            Guid? clockId = null;
            if (known is not null)
            {
                known.ReceiveAgencyReply(reply.Text, reply.At, intake, now);
                if ((known.Stage is Stage.Iql or Stage.Nurture) && known.MarkMql(reason, handRaise, now).IsSuccess)
                {
                    clockId = FollowLink(known, link, responseTime);
                }
            }

            record = AgencyHandover.Record(link, lead.Id, known?.Id, clockId, HandoverStatus.AlreadyKnown, agencyName, lead.Campaign, request.Note, origin, actor, now);
        }
        else
        {
            var contact = Contact.Create(link.ClientOrganisationId, EmailAddress.Parse(lead.Contact.Email, "email").Value, now);
            contact.Describe(lead.Contact.FirstName, lead.Contact.LastName, lead.Contact.JobTitle, lead.Contact.Phone);
            contact.RecordBasis(LawfulBasis.LegitimateInterest, LawfulBasisSource.Agency, now);
            var facts = lead.Company is { } company ? new CompanyFacts(company.Name, company.Domain, company.Industry, company.Employees, company.Country) : null;
            var companyOfLead = await CompanyFacts.FindOrCreateAsync(db, link.ClientOrganisationId, facts, EmailAddress.Parse(lead.Contact.Email, "email").Value, null, now, cancellationToken);
            var created = Lead.Create(contact, companyOfLead, Truncate($"Agency: {agencyName}", 100), lead.Campaign, intake, now);
            if (created.Error is { } refused)
            {
                return refused;
            }

            var delivered = created.Value;
            db.Leads.Add(delivered);
            delivered.ReceiveAgencyReply(reply.Text, reply.At, intake, now);
            var moved = delivered.MarkMql(reason, handRaise, now);
            if (moved.Error is { } notMoved)
            {
                return notMoved;
            }

            var clockId = FollowLink(delivered, link, responseTime);
            await db.RescoreAsync(delivered, now, cancellationToken);
            record = AgencyHandover.Record(link, lead.Id, delivered.Id, clockId, HandoverStatus.Delivered, agencyName, lead.Campaign, request.Note, origin, actor, now);
        }

        db.AgencyHandovers.Add(record);
        var saved = await db.SaveAsync(null, cancellationToken);
        if (saved.Error is Conflict && attemptsLeft > 1)
        {
            // The same lead was handed over (or the same person reached the client) a moment ago: the retry finds it.
            db.ChangeTracker.Clear();
            return await HandleAsync(leadId, request, actor, attemptsLeft - 1, cancellationToken);
        }

        return saved.Error is { } error ? error : new HandoverReceipt(record.Id, record.Status);
    }

    /// <summary>
    /// The reply the agency hands over: its latest inbound e-mail with the person (its text), else the reply event its
    /// outreach tool announced; the agency's note follows it.
    /// </summary>
    private async Task<(string Text, DateTimeOffset At)> ReplyOfAsync(Lead lead, string agencyName, string? note, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var email = await db.Activities.AsNoTracking()
            .Where(a => a.LeadId == lead.Id && a.Type == ActivityType.Email && a.Direction == Direction.Inbound)
            .OrderByDescending(a => a.OccurredAt)
            .Select(a => new { a.Notes, a.OccurredAt })
            .FirstOrDefaultAsync(cancellationToken);
        var replied = email?.OccurredAt ?? await db.BehaviourEvents.AsNoTracking()
            .Where(e => e.LeadId == lead.Id && e.Type == BehaviourType.EmailReply)
            .OrderByDescending(e => e.OccurredAt)
            .Select(e => (DateTimeOffset?)e.OccurredAt)
            .FirstOrDefaultAsync(cancellationToken);
        var text = email?.Notes is { Length: > 0 } said
            ? $"Reply to {agencyName}: {said}"
            : $"Replied to {agencyName}'s outreach" + (lead.Campaign is null ? "." : $" (campaign '{lead.Campaign}').");
        if (!string.IsNullOrWhiteSpace(note))
        {
            text += $"\n\nNote from {agencyName}: {note.Trim()}";
        }

        var at = replied is { } when && when <= now ? when : now;
        return (Truncate(text, Activity.MaxNotesLength), at);
    }

    /// <summary>The link's routing and clock for the client's new handover (a lead with an owner keeps it); its id.</summary>
    private static Guid FollowLink(Lead lead, AgencyLink link, TimeSpan? responseTime)
    {
        var handover = lead.OpenHandover!;
        handover.Follow(
            link.Routing == AgencyRouting.Team ? link.RoutingTeam : null,
            link.Routing == AgencyRouting.SharedQueue && lead.OwnerId is null,
            responseTime);
        return handover.Id;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
