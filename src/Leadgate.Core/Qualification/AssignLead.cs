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

    /// <summary>Why; required when the lead is taken from another owner (a reassignment). Kept in the assignment history.</summary>
    [MaxLength(200)]
    public string? Reason { get; set; }
}

/// <summary>
/// Gives a lead an owner. Managers, admins and marketing assign to any sales user; a sales user may only take a lead
/// for themselves. Taking a lead away from another owner needs a reason; every assignment is kept in the history.
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

        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        if (reason?.Length > 200)
        {
            return Invalid.Field("reason", "At most 200 characters.");
        }

        if (!MayAssignToOthers(actor) && !(actor.IsIn(Roles.Sales) && actor.UserId == ownerId))
        {
            return new Forbidden(actor.IsIn(Roles.Sales)
                ? "A sales user may only assign a lead to themselves."
                : "Only managers, admins, marketing and sales users assign leads.");
        }

        if (!await db.IsSalesUserAsync(actor.OrganisationId, ownerId, cancellationToken))
        {
            return Invalid.Field("ownerId", "The owner must be a sales user of this organisation.");
        }

        return await db.ChangeLeadAsync(
            leadId, actor, expectedVersion, clock,
            lead =>
            {
                if (lead.OwnerId is { } current && current != ownerId && reason is null)
                {
                    return Task.FromResult<Result<Done>>(Invalid.Field("reason", "The lead has another owner: say why it moves (kept in its history)."));
                }

                lead.AssignTo(ownerId, reason ?? "assigned", actor, clock.GetUtcNow());
                return Task.FromResult<Result<Done>>(Done.Value);
            },
            cancellationToken);
    }
}

public static class SalesUsers
{
    public static Task<bool> IsSalesUserAsync(this LeadgateDbContext db, Guid organisationId, Guid userId, CancellationToken cancellationToken) =>
        db.SalesUserIds(organisationId).AnyAsync(id => id == userId, cancellationToken);

    /// <summary>The ids of the organisation's users with the Sales role.</summary>
    public static IQueryable<Guid> SalesUserIds(this LeadgateDbContext db, Guid organisationId) => db.UserIdsInRole(organisationId, Roles.Sales);

    public static IQueryable<Guid> UserIdsInRole(this LeadgateDbContext db, Guid organisationId, string roleName) =>
        db.UsersInRole(roleName).Where(user => user.OrganisationId == organisationId).Select(user => user.Id);

    /// <summary>The users with the role, in every organisation: one query, to filter further before it runs.</summary>
    public static IQueryable<User> UsersInRole(this LeadgateDbContext db, string roleName) =>
        from user in db.Users
        join userRole in db.UserRoles on user.Id equals userRole.UserId
        join role in db.Roles on userRole.RoleId equals role.Id
        where role.Name == roleName
        select user;
}
