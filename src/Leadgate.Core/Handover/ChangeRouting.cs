using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Qualification;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Handover;

/// <summary>A sales rep as routing sees them: in or away, their capacity, and how many open MQLs they hold.</summary>
public sealed record RepView(Guid UserId, string Name, bool Available, int? Capacity, int OpenMqls);

/// <summary>The routing settings: teams, ordered rules, and every sales rep's availability and capacity.</summary>
public sealed record RoutingSettingsView(IReadOnlyList<RoutingTeam> Teams, IReadOnlyList<RoutingRule> Rules, IReadOnlyList<RepView> Reps);

/// <summary>A rep's availability and capacity, as an admin or manager sets them in the routing settings.</summary>
public sealed record RepInput
{
    public Guid? UserId { get; init; }

    public bool Available { get; init; } = true;

    public int? Capacity { get; init; }
}

public sealed record ChangeRoutingRequest
{
    public IReadOnlyList<RoutingTeam>? Teams { get; init; }

    public IReadOnlyList<RoutingRule>? Rules { get; init; }

    /// <summary>Optional: the reps whose availability and capacity change; reps left out keep theirs.</summary>
    public IReadOnlyList<RepInput?>? Reps { get; init; }
}

/// <summary>Reads the routing settings; every member may, so a rep sees why leads come their way.</summary>
public sealed class GetRouting(LeadgateDbContext db)
{
    public async Task<RoutingSettingsView> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var (routing, _) = await db.HandoverSettingsOfAsync(actor.OrganisationId, cancellationToken);
        return new RoutingSettingsView(routing.Teams, routing.Rules, await RepsAsync(db, actor.OrganisationId, cancellationToken));
    }

    internal static async Task<IReadOnlyList<RepView>> RepsAsync(LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        var sales = db.SalesUserIds(organisationId);
        var reps = await db.Users.AsNoTracking()
            .Where(u => sales.Contains(u.Id))
            .Select(u => new
            {
                u.Id,
                u.DisplayName,
                u.Email,
                State = db.SalesReps.Where(r => r.UserId == u.Id).Select(r => new { r.Available, r.Capacity }).FirstOrDefault(),
                Open = db.Leads.Count(l => l.OrganisationId == organisationId && l.OwnerId == u.Id && l.Stage == Stage.Mql),
            })
            .ToListAsync(cancellationToken);
        return [.. reps
            .Select(r => new RepView(r.Id, string.IsNullOrWhiteSpace(r.DisplayName) ? r.Email ?? "" : r.DisplayName, r.State?.Available ?? true, r.State?.Capacity, r.Open))
            .OrderBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase)];
    }
}

/// <summary>An admin or manager replaces the teams and rules (and may set reps' availability and capacity in the same save).</summary>
public sealed class ChangeRouting(LeadgateDbContext db, TimeProvider clock)
{
    public const int MaxCapacity = 100_000;

    public static bool MayChange(Actor actor) => actor.IsIn(Roles.Admin) || actor.IsIn(Roles.Manager);

    public async Task<Result<RoutingSettingsView>> HandleAsync(ChangeRoutingRequest? request, Actor actor, CancellationToken cancellationToken)
    {
        if (!MayChange(actor))
        {
            return new Forbidden("Only an admin or a manager changes routing.");
        }

        if (request is null)
        {
            return Invalid.Field("body", "Send the routing settings as a JSON object.");
        }

        var model = new RoutingModel { Teams = request.Teams!, Rules = request.Rules! };
        var sales = (await db.SalesUserIds(actor.OrganisationId).ToListAsync(cancellationToken)).ToHashSet();
        var managers = (await db.UserIdsInRole(actor.OrganisationId, Roles.Manager).Concat(db.UserIdsInRole(actor.OrganisationId, Roles.Admin)).ToListAsync(cancellationToken)).ToHashSet();
        var errors = model.Validate(sales, managers)?.Errors.ToDictionary() ?? [];
        var reps = request.Reps ?? [];
        for (var i = 0; i < reps.Count; i++)
        {
            if (reps[i] is not { } rep || rep.UserId is not { } user || !sales.Contains(user))
            {
                errors[$"reps[{i}].userId"] = ["A sales user of this organisation."];
            }
            else if (rep.Capacity is < 0 or > MaxCapacity)
            {
                errors[$"reps[{i}].capacity"] = [$"Between 0 and {MaxCapacity:N0} open MQLs, or leave it out for no limit."];
            }
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        var now = clock.GetUtcNow();
        var settings = await db.HandoverSettingsForChangeAsync(actor.OrganisationId, cancellationToken);
        settings.Change(model.Cleaned() with { AgencyCampaigns = settings.ReadRouting().AgencyCampaigns }, actor.Name, now);
        foreach (var rep in reps)
        {
            await db.ChangeRepAsync(actor.OrganisationId, rep!.UserId!.Value, rep.Available, rep.Capacity, now, cancellationToken);
        }

        db.AuditEntries.Add(Privacy.AuditEntry.SettingsChanged(actor, "routing", now));
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : await new GetRouting(db).HandleAsync(actor, cancellationToken);
    }
}

public static class SalesRepChanges
{
    internal static async Task ChangeRepAsync(this LeadgateDbContext db, Guid organisationId, Guid userId, bool available, int? capacity, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var state = await db.SalesReps.FirstOrDefaultAsync(r => r.UserId == userId, cancellationToken);
        if (state is null)
        {
            state = SalesRep.Create(organisationId, userId, at);
            db.SalesReps.Add(state);
        }

        state.Change(available, capacity, at);
    }
}
