using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Scoring;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Prediction;

/// <summary>A lead as prediction reads it: its facts (known before the handover) and, when it is closed, its outcome.</summary>
public sealed record LeadHistoryRow(Guid LeadId, PredictionFacts Facts, bool? Outcome);

/// <summary>How many closed leads an organisation has, and how many of each outcome: what training needs.</summary>
public sealed record ClosedLeadCounts(int Converted, int NotConverted)
{
    public const int MinimumClosed = 200;
    public const int MinimumEachOutcome = 30;

    public int Closed => Converted + NotConverted;

    public bool Enough => Closed >= MinimumClosed && Converted >= MinimumEachOutcome && NotConverted >= MinimumEachOutcome;

    /// <summary>What is missing, in words; null when there is enough.</summary>
    public string? Missing()
    {
        if (Enough)
        {
            return null;
        }

        var missing = new List<string>();
        if (Closed < MinimumClosed)
        {
            missing.Add($"{MinimumClosed - Closed} more closed leads ({Closed} of the {MinimumClosed} needed)");
        }

        if (Converted < MinimumEachOutcome)
        {
            missing.Add($"{MinimumEachOutcome - Converted} more converted leads ({Converted} of the {MinimumEachOutcome} needed)");
        }

        if (NotConverted < MinimumEachOutcome)
        {
            missing.Add($"{MinimumEachOutcome - NotConverted} more leads that did not convert ({NotConverted} of the {MinimumEachOutcome} needed)");
        }

        return "A model needs at least 200 closed leads and 30 of each outcome; still missing: " + string.Join("; ", missing) + ".";
    }
}

/// <summary>
/// Reads an organisation's leads for prediction. The facts are taken at the lead's MQL moment when it had one (what sales
/// saw at the handover), otherwise when it was closed, or now for an open lead: nothing after the handover is used.
/// </summary>
public static class LeadHistory
{
    private const int Chunk = 1_000;

    public static async Task<List<LeadHistoryRow>> ReadAsync(
        LeadgateDbContext db, Guid organisationId, IReadOnlyList<Guid>? leadIds, TargetStage target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var query = db.Leads.AsNoTracking().Where(l => l.OrganisationId == organisationId);
        if (leadIds is not null)
        {
            query = query.Where(l => EF.Parameter(leadIds).Contains(l.Id));
        }

        var leads = await query
            .OrderBy(l => l.CreatedAt).ThenBy(l => l.Id)
            .Select(l => new
            {
                l.Id,
                l.Stage,
                l.HighestStage,
                l.StageChangedAt,
                l.MqlAt,
                l.Source,
                l.Campaign,
                Country = l.Company == null ? null : l.Company.Country,
                Industry = l.Company == null ? null : l.Company.Industry,
                Employees = l.Company == null ? null : l.Company.Employees,
                l.Contact.JobTitle,
                l.Contact.Email,
                l.FitScore,
                l.SourceOutcome,
                l.AttributesJson,
                Imported = db.StageEvents.Any(e => e.LeadId == l.Id && e.From == null && e.ActorKind == ActorKind.Import),
            })
            .ToListAsync(cancellationToken);

        var rows = new List<LeadHistoryRow>(leads.Count);
        for (var start = 0; start < leads.Count; start += Chunk)
        {
            var chunk = leads.GetRange(start, Math.Min(Chunk, leads.Count - start));
            var events = await EventReads.EventsOfAsync(db, chunk.ConvertAll(l => l.Id), cancellationToken);
            for (var i = 0; i < chunk.Count; i++)
            {
                var l = chunk[i];
                // The lead's own lifecycle decides; a lead it leaves open learns from how it ended in the system it came from.
                var outcome = TrainingLabels.Outcome(l.Stage, l.HighestStage, l.StageChangedAt, target, TrainingLabels.DefaultRequalifyWindow, now)
                    ?? (l.SourceOutcome is { } source ? source == SourceOutcome.Converted : null);
                var cutoff = l.MqlAt ?? (outcome is null ? now : l.StageChangedAt);
                var facts = new PredictionFacts(
                    l.Source, l.Campaign, l.Country, l.Industry, l.Employees, l.JobTitle, l.Email, l.Imported, l.FitScore,
                    [.. events[i].Select(e => (e.Type, new DateTimeOffset(e.OccurredAtUtcTicks, TimeSpan.Zero)))],
                    cutoff)
                {
                    Attributes = LeadAttributes.Read(l.AttributesJson),
                };
                rows.Add(new LeadHistoryRow(l.Id, facts, outcome));
            }
        }

        return rows;
    }

    /// <summary>The closed leads by outcome, counted in the database (for the "what is missing" message without reading every lead).</summary>
    public static async Task<ClosedLeadCounts> CountAsync(LeadgateDbContext db, Guid organisationId, TargetStage target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Stage[] reached = target == TargetStage.Sql ? [Stage.Sql, Stage.Opportunity, Stage.Customer] : [Stage.Customer];
        var sentBackBefore = now - TrainingLabels.DefaultRequalifyWindow;
        var leads = db.Leads.Where(l => l.OrganisationId == organisationId);
        // As ReadAsync labels them: the lifecycle's outcome first, the source system's for a lead the lifecycle leaves open.
        var converted = await leads.CountAsync(
            l => reached.Contains(l.HighestStage)
                || (l.SourceOutcome == SourceOutcome.Converted && l.Stage != Stage.Disqualified && !(l.Stage == Stage.Nurture && l.StageChangedAt <= sentBackBefore)),
            cancellationToken);
        var notConverted = await leads.CountAsync(
            l => !reached.Contains(l.HighestStage)
                && (l.Stage == Stage.Disqualified || (l.Stage == Stage.Nurture && l.StageChangedAt <= sentBackBefore) || l.SourceOutcome == SourceOutcome.NotConverted),
            cancellationToken);
        return new ClosedLeadCounts(converted, notConverted);
    }
}
