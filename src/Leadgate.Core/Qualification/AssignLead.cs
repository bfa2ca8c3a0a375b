using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Qualification;

public sealed record AssignLeadRequest
{
    /// <summary>A sales user of the organisation.</summary>
    [Required]
    public Guid? OwnerId { get; set; }
}

/// <summary>
/// Gives a lead an owner. Managers, admins and marketing assign to any sales user; a sales user may only take a lead
/// for themselves.
/// </summary>
public sealed class AssignLead(LeadgateDbContext db, TimeProvider clock)
{
    /// <summary>Managers, admins and marketing route leads to anyone in sales; the UI asks this to offer the picker.</summary>
    public static bool MayAssignToOthers(Actor actor) =>
        actor.IsIn(Roles.Manager) || actor.IsIn(Roles.Admin) || actor.IsIn(Roles.Marketing);

    public async Task<Result<LeadDetails>> HandleAsync(Guid leadId, AssignLeadRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (request.OwnerId is not { } ownerId)
        {
            return Invalid.Field("ownerId", "The new owner is required.");
        }

        if (!MayAssignToOthers(actor) && !(actor.IsIn(Roles.Sales) && actor.UserId == ownerId))
        {
            return new Forbidden(actor.IsIn(Roles.Sales)
                ? "A sales user may only assign a lead to themselves."
                : "Only managers, admins, marketing and sales users assign leads.");
        }

        var ownerIsSales = await (
            from user in db.Users
            join userRole in db.UserRoles on user.Id equals userRole.UserId
            join role in db.Roles on userRole.RoleId equals role.Id
            where user.Id == ownerId && user.OrganisationId == actor.OrganisationId && role.Name == Roles.Sales
            select user.Id).AnyAsync(cancellationToken);
        if (!ownerIsSales)
        {
            return Invalid.Field("ownerId", "The owner must be a sales user of this organisation.");
        }

        return await db.ChangeLeadAsync(
            leadId, actor, expectedVersion, clock,
            lead =>
            {
                lead.AssignTo(ownerId, clock.GetUtcNow(), actor.UserId);
                return Task.FromResult<Result<Done>>(Done.Value);
            },
            cancellationToken);
    }
}
