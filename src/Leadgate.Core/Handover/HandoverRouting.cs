using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Prediction;
using Leadgate.Qualification;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Handover;

/// <summary>
/// Routes every lead that became an MQL in a unit of work, when it is saved: whoever made it an MQL (a scoring rule, a
/// hand-raise, an import, marketing by hand), the same rules, round robin and clock apply. A batch of any size costs a
/// few queries per organisation (settings, reps, open MQLs per rep), and none when no lead became an MQL.
/// </summary>
internal static class HandoverRouting
{
    public static async Task RouteAsync(LeadgateDbContext db, IReadOnlyList<LeadHandover> pending, CancellationToken cancellationToken)
    {
        var leads = new Dictionary<Guid, Lead>();
        foreach (var entry in db.ChangeTracker.Entries<Lead>())
        {
            leads[entry.Entity.Id] = entry.Entity;
        }

        await RouteAsync(db, pending, leads, cancellationToken);
    }

    /// <summary>
    /// For new leads written outside the change tracker (the import's and ingestion's bulk path): routes their new
    /// handovers before the leads are written (so the owner goes in with the row) and hands the handovers and assignments
    /// to EF, which writes them in the same transaction's save, after the leads. The happenings routing adds to the leads
    /// (<c>lead.assigned</c>) are written by the caller with the leads' other happenings.
    /// </summary>
    public static async Task RouteUntrackedAsync(this LeadgateDbContext db, IReadOnlyList<Lead> leads, CancellationToken cancellationToken)
    {
        var pending = leads.SelectMany(l => l.Handovers).Where(h => h.AwaitsRouting).ToList();
        if (pending.Count > 0)
        {
            await RouteAsync(db, pending, leads.ToDictionary(l => l.Id), cancellationToken);
        }

        db.AddRange(leads.SelectMany(l => l.Handovers));
        db.AddRange(leads.SelectMany(l => l.Assignments));
    }

    private static async Task RouteAsync(LeadgateDbContext db, IReadOnlyList<LeadHandover> pending, Dictionary<Guid, Lead> leads, CancellationToken cancellationToken)
    {
        foreach (var organisation in pending.GroupBy(h => h.OrganisationId))
        {
            await RouteAsync(db, organisation.Key, [.. organisation.OrderBy(h => h.StartedAt).ThenBy(h => h.Id)], leads, cancellationToken);
        }
    }

    private static async Task RouteAsync(LeadgateDbContext db, Guid organisationId, List<LeadHandover> handovers, Dictionary<Guid, Lead> leads, CancellationToken cancellationToken)
    {
        var (routing, sla) = await db.HandoverSettingsOfAsync(organisationId, cancellationToken);
        var zone = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId).Select(o => o.TimeZone).FirstOrDefaultAsync(cancellationToken) ?? "UTC";
        var week = sla.Week(zone);
        var reps = routing.Rules.Count == 0 && handovers.TrueForAll(h => h.RouteToTeam is null) ? null : await RepsAsync(db, organisationId, cancellationToken);
        // A rule with a minimum likelihood asks the active model about the leads routing chooses for (docs/prediction.md).
        var likelihoods = reps is null || !routing.Rules.Any(r => r.MinLikelihood is not null) ? null
            : await RoutingLikelihoods.OfAsync(
                db, organisationId, [.. handovers.Where(h => h.AssignedAt is null && h.RouteToTeam is null).Select(h => leads.GetValueOrDefault(h.LeadId)).OfType<Lead>()],
                handovers.Max(h => h.StartedAt), cancellationToken);

        foreach (var handover in handovers)
        {
            var lead = leads.GetValueOrDefault(handover.LeadId);
            if (handover.AssignedAt is null && lead?.OwnerId is { } kept)
            {
                // A lead that comes back as an MQL (after nurture) stays with the rep who knows the person.
                handover.Routed(kept, null, "kept its owner");
                reps?.Holds(kept);
            }
            else if (handover.AssignedAt is null)
            {
                var (owner, team, route) = reps is null || lead is null ? (null, null, "shared queue: no routing rules")
                    : handover.RouteToTeam is { } linkTeam ? reps.ChooseIn(routing, linkTeam, "the agency link")
                    : reps.Choose(routing, lead, likelihoods is not null && likelihoods.TryGetValue(lead.Id, out var p) ? p : null);
                handover.Routed(owner, team, route);
                lead?.RoutedTo(owner, route, handover.StartedAt);
            }

            var due = week.Add(handover.StartedAt, handover.ResponseTime ?? sla.ResponseTime);
            handover.StartClock(due, sla.ReminderMinutesBefore > 0 ? due.AddMinutes(-sla.ReminderMinutesBefore) : null);
        }
    }

    private static async Task<RepPool> RepsAsync(LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        var sales = (await db.SalesUserIds(organisationId).ToListAsync(cancellationToken)).ToHashSet();
        var states = await db.SalesReps.Where(r => r.OrganisationId == organisationId).ToDictionaryAsync(r => r.UserId, cancellationToken);
        var open = await db.Leads.AsNoTracking()
            .Where(l => l.OrganisationId == organisationId && l.Stage == Stage.Mql && l.OwnerId != null)
            .GroupBy(l => l.OwnerId!.Value)
            .Select(g => new { Owner = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Owner, g => g.Count, cancellationToken);
        return new RepPool(db, organisationId, sales, states, open);
    }

    /// <summary>The organisation's reps as routing sees them during one save: who is in, how full, whose turn it is.</summary>
    private sealed class RepPool(LeadgateDbContext db, Guid organisationId, HashSet<Guid> sales, Dictionary<Guid, SalesRep> states, Dictionary<Guid, int> open)
    {
        private long _turn = states.Values.Select(s => s.LastTurn).DefaultIfEmpty(0).Max();

        public (Guid? Owner, string? Team, string Route) Choose(RoutingModel routing, Lead lead, double? likelihood)
        {
            var rule = routing.Rules.FirstOrDefault(r => r.Matches(lead.Company?.Country, lead.Company?.Employees, lead.Source, lead.Campaign, lead.FitScore, likelihood));
            if (rule is null)
            {
                return (null, null, "shared queue: no rule matched");
            }

            if (rule.UserId is { } user)
            {
                return Takes(user) ? (Give(user), null, $"rule '{rule.Name}'") : (null, null, $"shared queue: rule '{rule.Name}', the rep is away or full");
            }

            return ChooseIn(routing, rule.Team, $"rule '{rule.Name}'");
        }

        /// <summary>Round robin in the named team, skipping who is away or full; the shared queue when nobody can take it.</summary>
        public (Guid? Owner, string? Team, string Route) ChooseIn(RoutingModel routing, string? teamName, string why)
        {
            var team = routing.Teams.FirstOrDefault(t => string.Equals(t.Name, teamName, StringComparison.OrdinalIgnoreCase));
            var next = team?.Members
                .Select((member, order) => (Member: member, Order: order))
                .Where(m => Takes(m.Member))
                .OrderBy(m => states.TryGetValue(m.Member, out var state) ? state.LastTurn : 0)
                .ThenBy(m => m.Order)
                .Select(m => (Guid?)m.Member)
                .FirstOrDefault();
            return next is { } rep
                ? (Give(rep), team!.Name, $"{why}, round robin in team '{team.Name}'")
                : (null, team?.Name, $"shared queue: {why}, nobody in team '{teamName}' is available");
        }

        /// <summary>A lead that kept its owner counts against the owner's capacity for the rest of the batch.</summary>
        public void Holds(Guid user) => open[user] = open.GetValueOrDefault(user) + 1;

        private bool Takes(Guid user) =>
            sales.Contains(user)
            && (!states.TryGetValue(user, out var state) || (state.Available && (state.Capacity is not { } capacity || open.GetValueOrDefault(user) < capacity)));

        private Guid Give(Guid user)
        {
            if (!states.TryGetValue(user, out var state))
            {
                state = SalesRep.Create(organisationId, user, DateTimeOffset.UnixEpoch);
                db.SalesReps.Add(state);
                states[user] = state;
            }

            state.TookTurn(++_turn);
            open[user] = open.GetValueOrDefault(user) + 1;
            return user;
        }
    }
}
