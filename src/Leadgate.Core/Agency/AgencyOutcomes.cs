using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

/// <summary>
/// What became of handed-over leads at the client, read for the agency: the one place the agency's requests read the
/// client's organisation, and only the rows its own hand-overs name. An already-known person yields nothing.
/// </summary>
internal static class AgencyOutcomes
{
    /// <summary>One delivered lead's progress at the client, before the link's sharing is applied.</summary>
    public sealed record Outcome(
        Stage Stage, DateTimeOffset? FirstTouchAt, DateTimeOffset? AcceptedAt, string? Reason, decimal? DealValue, string? Currency, decimal? WonAmount, DateTimeOffset? WonAt);

    /// <summary>The progress of each delivered hand-over, by hand-over id.</summary>
    public static async Task<Dictionary<Guid, Outcome>> OfAsync(LeadgateDbContext db, IReadOnlyCollection<AgencyHandover> handovers, CancellationToken cancellationToken)
    {
        var delivered = handovers.Where(h => h.Status == HandoverStatus.Delivered && h.ClientLeadId is not null).ToList();
        if (delivered.Count == 0)
        {
            return [];
        }

        Guid[] leadIds = [.. delivered.Select(h => h.ClientLeadId!.Value)];
        Guid[] clockIds = [.. delivered.Where(h => h.ClientHandoverId is not null).Select(h => h.ClientHandoverId!.Value)];
        var leads = await db.Leads.AsNoTracking()
            .Where(l => EF.Parameter(leadIds).Contains(l.Id))
            .Select(l => new { l.Id, l.Stage, l.DealId })
            .ToDictionaryAsync(l => l.Id, cancellationToken);
        var touches = await db.Handovers.AsNoTracking()
            .Where(h => EF.Parameter(clockIds).Contains(h.Id))
            .Select(h => new { h.Id, h.FirstTouchAt })
            .ToDictionaryAsync(h => h.Id, h => h.FirstTouchAt, cancellationToken);
        var moves = (await db.StageEvents.AsNoTracking()
                .Where(e => EF.Parameter(leadIds).Contains(e.LeadId) && e.From != null)
                .Select(e => new { e.LeadId, e.To, e.At, e.Reason })
                .ToListAsync(cancellationToken))
            .OrderBy(e => e.At)
            .ToLookup(e => e.LeadId);
        Guid[] dealIds = [.. leads.Values.Where(l => l.DealId is not null).Select(l => l.DealId!.Value)];
        var deals = await db.Deals.AsNoTracking()
            .Where(d => EF.Parameter(dealIds).Contains(d.Id))
            .Select(d => new { d.Id, d.Value, d.Currency, d.WonAmount })
            .ToDictionaryAsync(d => d.Id, cancellationToken);

        var outcomes = new Dictionary<Guid, Outcome>();
        foreach (var handover in delivered)
        {
            if (!leads.TryGetValue(handover.ClientLeadId!.Value, out var lead))
            {
                continue;
            }

            var since = moves[lead.Id].Where(e => e.At >= handover.HandedOverAt).ToList();
            var reason = lead.Stage is Stage.Nurture or Stage.Disqualified ? since.LastOrDefault(e => e.To == lead.Stage)?.Reason : null;
            var deal = lead.DealId is { } dealId ? deals.GetValueOrDefault(dealId) : null;
            outcomes[handover.Id] = new Outcome(
                lead.Stage,
                handover.ClientHandoverId is { } clock ? touches.GetValueOrDefault(clock) : null,
                since.FirstOrDefault(e => e.To == Stage.Sql)?.At,
                reason,
                deal?.Value,
                deal?.Currency,
                deal?.WonAmount,
                since.FirstOrDefault(e => e.To == Stage.Customer)?.At);
        }

        return outcomes;
    }
}
