using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

public sealed record AcceptAgencyLinkRequest
{
    /// <summary>What the agency sees back: Stage; Reasons (plus reason codes); Revenue (plus deal value and won amount).</summary>
    [Required]
    public AgencyShares? Shares { get; set; }

    /// <summary>Where handed-over leads go: the client's routing Rules (the default), a Team, or the SharedQueue.</summary>
    public AgencyRouting? Routing { get; set; }

    /// <summary>The team, when routing is Team.</summary>
    [MaxLength(AgencyLink.MaxTeamLength)]
    public string? Team { get; set; }

    /// <summary>The response clock for handed-over leads, in working hours; the organisation's SLA when left out.</summary>
    [Range(0.25, 720)]
    public decimal? ResponseHours { get; set; }
}

/// <summary>
/// The client's admin accepts a pending link, choosing what the agency sees back and where its leads go; on an active link
/// the same call changes those terms. Only the client's side can: the agency gets 404, as for any link it cannot accept.
/// </summary>
public sealed class AcceptAgencyLink(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<AgencyLinkView>> HandleAsync(Guid linkId, AcceptAgencyLinkRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var link = await db.AgencyLinks.FirstOrDefaultAsync(l => l.Id == linkId && l.ClientOrganisationId == actor.OrganisationId, cancellationToken);
        if (link is null)
        {
            return new NotFound("Agency link", linkId);
        }

        if (!actor.IsIn(Roles.Admin))
        {
            return new Forbidden("Only the client's admin accepts an agency link.");
        }

        if (request.Shares is not { } shares)
        {
            return Invalid.Field("shares", "Say what the agency sees back: Stage, Reasons or Revenue.");
        }

        var routing = request.Routing ?? AgencyRouting.Rules;
        var team = request.Team?.Trim();
        if (routing == AgencyRouting.Team)
        {
            var (model, _) = await db.HandoverSettingsOfAsync(actor.OrganisationId, cancellationToken);
            var known = model.Teams.FirstOrDefault(t => string.Equals(t.Name, team, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                return Invalid.Field("team", model.Teams.Count == 0
                    ? "The organisation has no teams; add one in the routing settings, or route to Rules or the SharedQueue."
                    : $"Name one of the organisation's teams: {string.Join(", ", model.Teams.Select(t => t.Name))}.");
            }

            team = known.Name;
        }

        var accepted = link.Accept(shares, routing, team, request.ResponseHours, actor.Name, clock.GetUtcNow());
        if (accepted.Error is { } refused)
        {
            return refused;
        }

        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : await AgencyLinks.ViewAsync(db, link.Id, actor, cancellationToken);
    }
}
