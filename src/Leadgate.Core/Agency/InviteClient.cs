using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Qualification;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

public sealed record InviteClientRequest
{
    /// <summary>The client organisation's slug.</summary>
    [MaxLength(40)]
    public string? ClientSlug { get; set; }

    /// <summary>Or the e-mail address of one of the client's admins.</summary>
    [MaxLength(254)]
    public string? ClientAdminEmail { get; set; }
}

/// <summary>
/// An agency's admin invites a client organisation, by its slug or by its admin's e-mail address: a pending link the
/// client's admin accepts. An organisation becomes an agency simply by having links on the agency side.
/// </summary>
public sealed class InviteClient(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<AgencyLinkView>> HandleAsync(InviteClientRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Admin))
        {
            return new Forbidden("Only an admin of the agency invites a client.");
        }

        var slug = request.ClientSlug?.Trim().ToLowerInvariant();
        var email = request.ClientAdminEmail?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(slug) == string.IsNullOrEmpty(email))
        {
            return Invalid.Field(string.IsNullOrEmpty(slug) ? "clientSlug" : "clientAdminEmail", "Name the client by clientSlug or by clientAdminEmail (one of them).");
        }

        Guid? clientId;
        if (!string.IsNullOrEmpty(slug))
        {
            clientId = await db.Organisations.AsNoTracking().Where(o => o.Slug == slug).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(cancellationToken);
            if (clientId is null)
            {
                return Invalid.Field("clientSlug", "No organisation has this slug.");
            }
        }
        else
        {
            var normalised = email!.ToUpperInvariant();
            // The role join is composed before the query runs: a helper called inside the lambda cannot be translated.
            clientId = await db.UsersInRole(Roles.Admin).AsNoTracking()
                .Where(u => u.NormalizedEmail == normalised)
                .Select(u => (Guid?)u.OrganisationId)
                .FirstOrDefaultAsync(cancellationToken);
            if (clientId is null)
            {
                return Invalid.Field("clientAdminEmail", "No admin of any organisation has this e-mail address.");
            }
        }

        if (clientId == actor.OrganisationId)
        {
            return Invalid.Field(string.IsNullOrEmpty(slug) ? "clientAdminEmail" : "clientSlug", "An organisation cannot be its own agency's client.");
        }

        if (await db.AgencyLinks.AnyAsync(
                l => l.AgencyOrganisationId == actor.OrganisationId && l.ClientOrganisationId == clientId && l.Status != AgencyLinkStatus.Ended, cancellationToken))
        {
            return new Conflict("link-exists", "This client has a pending or active link with the agency already.");
        }

        var link = AgencyLink.Invite(actor.OrganisationId, clientId.Value, actor.Name, clock.GetUtcNow());
        db.AgencyLinks.Add(link);
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : await AgencyLinks.ViewAsync(db, link.Id, actor, cancellationToken);
    }
}
