using Leadgate.Accounts;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

/// <summary>An organisation on one side of a link, by its slug and name.</summary>
public sealed record LinkedOrganisation(string Slug, string Name);

/// <summary>
/// A link as either side sees it. <see cref="Side"/> says which side the caller is on. The routing target and the
/// response clock are the client's own settings, shown to the client only.
/// </summary>
public sealed record AgencyLinkView(
    Guid Id,
    AgencyLinkStatus Status,
    string Side,
    LinkedOrganisation Agency,
    LinkedOrganisation Client,
    AgencyShares Shares,
    DateTimeOffset InvitedAt,
    DateTimeOffset? AcceptedAt,
    DateTimeOffset? EndedAt)
{
    public AgencyRouting? Routing { get; init; }

    public string? RoutingTeam { get; init; }

    public decimal? ResponseHours { get; init; }
}

/// <summary>On the client's lead: the agency that handed it over, when, and where the person's data came from (GDPR Art. 14).</summary>
public sealed record AgencySourceView(string Name, Guid HandoverId, DateTimeOffset HandedOverAt, HandoverStatus Status, string? Campaign, string? Note, string DataOrigin);

/// <summary>What handing a lead over answered: <c>Delivered</c>, or <c>AlreadyKnown</c> to the client (and nothing more of it).</summary>
public sealed record HandoverReceipt(Guid HandoverId, HandoverStatus Status);

internal static class AgencyLinks
{
    public const string AgencySide = "Agency";
    public const string ClientSide = "Client";

    /// <summary>
    /// The caller's links (or the one with <paramref name="linkId"/>), on either side, newest first; a link of two other
    /// organisations is never among them. Filter here, before the projection: a view with initialised members cannot be
    /// filtered in SQL.
    /// </summary>
    public static IQueryable<AgencyLinkView> ViewsFor(LeadgateDbContext db, Guid organisationId, Guid? linkId = null) =>
        from link in db.AgencyLinks.AsNoTracking()
        where link.AgencyOrganisationId == organisationId || link.ClientOrganisationId == organisationId
        where linkId == null || link.Id == linkId
        join agency in db.Organisations on link.AgencyOrganisationId equals agency.Id
        join client in db.Organisations on link.ClientOrganisationId equals client.Id
        let isClient = link.ClientOrganisationId == organisationId
        orderby link.InvitedAt descending, link.Id descending
        select new AgencyLinkView(
            link.Id, link.Status, isClient ? ClientSide : AgencySide,
            new LinkedOrganisation(agency.Slug, agency.Name), new LinkedOrganisation(client.Slug, client.Name),
            link.Shares, link.InvitedAt, link.AcceptedAt, link.EndedAt)
        {
            Routing = isClient ? link.Routing : null,
            RoutingTeam = isClient ? link.RoutingTeam : null,
            ResponseHours = isClient ? link.ResponseHours : null,
        };

    public static async Task<Common.Result<AgencyLinkView>> ViewAsync(LeadgateDbContext db, Guid linkId, Actor actor, CancellationToken cancellationToken) =>
        await ViewsFor(db, actor.OrganisationId, linkId).FirstOrDefaultAsync(cancellationToken) is { } view
            ? view
            : new Common.NotFound("Agency link", linkId);
}
