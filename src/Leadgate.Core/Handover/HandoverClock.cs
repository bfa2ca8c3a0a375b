using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Notifications;
using Leadgate.Qualification;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Handover;

public sealed record ClockRound(int Reminded, int Breached, int Escalated);

/// <summary>
/// The response clock's sweep, run by every app instance in the background: reminds owners before the due time, flags
/// untouched handovers breached after it and escalates them to a manager. Each handover is claimed by a conditional
/// UPDATE that only one instance can win, in the same transaction as the happenings it announces (the in-app
/// notifications, docs/notifications.md), so nothing is said twice.
/// </summary>
public sealed class HandoverClock(LeadgateDbContext db, TimeProvider clock)
{
    private const int Batch = 500;

    public async Task<ClockRound> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var reminded = 0;
        var toRemind = await Open()
            .Where(h => h.RemindedAt == null && h.RemindAt != null && h.RemindAt <= now && h.SlaDueAt > now)
            .OrderBy(h => h.RemindAt)
            .Take(Batch)
            .ToListAsync(cancellationToken);
        foreach (var handover in toRemind)
        {
            reminded += await ClaimAsync(
                handover,
                db.Handovers.Where(h => h.Id == handover.Id && h.RemindedAt == null),
                setters => setters.SetProperty(h => h.RemindedAt, now),
                lead => handover.OwnerId is { } owner ? [Happening.SlaReminder(lead, owner, handover.SlaDueAt!.Value, now)] : [],
                cancellationToken);
        }

        var breached = 0;
        var escalated = 0;
        var toBreach = await Open()
            .Where(h => h.BreachedAt == null && h.SlaDueAt != null && h.SlaDueAt <= now)
            .OrderBy(h => h.SlaDueAt)
            .Take(Batch)
            .ToListAsync(cancellationToken);
        var settings = new Dictionary<Guid, (RoutingModel Routing, SlaSettings Sla)>();
        foreach (var handover in toBreach)
        {
            if (!settings.TryGetValue(handover.OrganisationId, out var of))
            {
                settings[handover.OrganisationId] = of = await db.HandoverSettingsOfAsync(handover.OrganisationId, cancellationToken);
            }

            var managers = of.Sla.EscalateToManager ? await ManagersOfAsync(handover, of.Routing, cancellationToken) : [];
            var due = handover.SlaDueAt!.Value;
            var won = await ClaimAsync(
                handover,
                db.Handovers.Where(h => h.Id == handover.Id && h.BreachedAt == null && h.FirstTouchAt == null),
                setters => setters.SetProperty(h => h.BreachedAt, due).SetProperty(h => h.EscalatedAt, managers.Count > 0 ? now : null),
                lead => [.. new[] { handover.OwnerId }.OfType<Guid>().Concat(managers).Distinct().Select(to => Happening.SlaBreached(lead, to, due, now))],
                cancellationToken);
            breached += won;
            escalated += managers.Count > 0 ? won : 0;
        }

        return new ClockRound(reminded, breached, escalated);
    }

    /// <summary>Handovers whose clock still runs: not touched, not ended, and the lead still an MQL.</summary>
    private IQueryable<LeadHandover> Open() =>
        db.Handovers.AsNoTracking()
            .Where(h => h.EndedAt == null && h.FirstTouchAt == null)
            .Where(h => db.Leads.Any(l => l.Id == h.LeadId && l.Stage == Stage.Mql));

    private async Task<int> ClaimAsync(
        LeadHandover handover, IQueryable<LeadHandover> row,
        Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<LeadHandover>> set,
        Func<Lead, IReadOnlyList<Happening>> announce, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await row.ExecuteUpdateAsync(set, cancellationToken);
            if (claimed == 0)
            {
                // Another instance, or a touch logged a moment ago, was first.
                return 0;
            }

            // The happenings only read the lead's id, organisation, stage and owner; the lead itself does not change.
            var lead = await db.Leads.AsNoTracking().SingleAsync(l => l.Id == handover.LeadId, cancellationToken);
            db.Happenings.AddRange(announce(lead));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return 1;
        });
    }

    /// <summary>The team's manager when routing named one, otherwise every manager of the organisation.</summary>
    private async Task<IReadOnlyList<Guid>> ManagersOfAsync(LeadHandover handover, RoutingModel routing, CancellationToken cancellationToken)
    {
        var team = routing.Teams.FirstOrDefault(t => string.Equals(t.Name, handover.Team, StringComparison.OrdinalIgnoreCase));
        if (team?.ManagerId is { } manager)
        {
            return [manager];
        }

        return await db.UserIdsInRole(handover.OrganisationId, Roles.Manager).ToListAsync(cancellationToken);
    }
}
