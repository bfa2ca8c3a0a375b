using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Qualification;

namespace Leadgate.Handover;

public sealed record SetAvailabilityRequest
{
    public bool? Available { get; init; }

    /// <summary>Only an admin or manager changes it; a rep sending their own unchanged value is fine.</summary>
    public int? Capacity { get; init; }
}

/// <summary>
/// A rep marks themselves away or back (an admin or manager may do it for anyone, and set the capacity). An away rep is
/// passed by round robin; their open MQLs stay theirs.
/// </summary>
public sealed class SetAvailability(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<RepView>> HandleAsync(Guid userId, SetAvailabilityRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (!await db.IsSalesUserAsync(actor.OrganisationId, userId, cancellationToken))
        {
            return new NotFound("Sales rep", userId);
        }

        var mayManage = ChangeRouting.MayChange(actor);
        if (!mayManage && actor.UserId != userId)
        {
            return new Forbidden("A sales rep sets only their own availability; an admin or manager sets anyone's.");
        }

        if (request.Available is not { } available)
        {
            return Invalid.Field("available", "true or false is required.");
        }

        var reps = await GetRouting.RepsAsync(db, actor.OrganisationId, cancellationToken);
        var current = reps.Single(r => r.UserId == userId);
        if (request.Capacity != current.Capacity && !mayManage)
        {
            return Invalid.Field("capacity", "Only an admin or a manager changes a rep's capacity.");
        }

        if (request.Capacity is < 0 or > ChangeRouting.MaxCapacity)
        {
            return Invalid.Field("capacity", $"Between 0 and {ChangeRouting.MaxCapacity:N0} open MQLs, or leave it out for no limit.");
        }

        await db.ChangeRepAsync(actor.OrganisationId, userId, available, request.Capacity, clock.GetUtcNow(), cancellationToken);
        var saved = await db.SaveAsync(null, cancellationToken);
        if (saved.Error is { } error)
        {
            return error;
        }

        return (await GetRouting.RepsAsync(db, actor.OrganisationId, cancellationToken)).Single(r => r.UserId == userId);
    }
}
