using System.Globalization;
using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Scoring;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Prediction;

/// <summary>
/// Keeps the stored likelihoods (what the list sorts and filters by) in step with the active model: all of an
/// organisation's leads when a model becomes active, and afterwards the leads that came in or changed since they were
/// scored. A stored likelihood is recomputable at any time, so a refresh is safe to repeat or to run twice.
/// </summary>
public static class RefreshLikelihoods
{
    private const int Chunk = 1_000;

    /// <summary>Scores every lead of the organisation by the given model, replacing what was stored; answers how many.</summary>
    public static async Task<int> AllAsync(LeadgateDbContext db, Guid organisationId, ActiveModel model, DateTimeOffset now, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var ids = await db.Leads.AsNoTracking().Where(l => l.OrganisationId == organisationId).OrderBy(l => l.Id).Select(l => l.Id).ToListAsync(cancellationToken);
        await db.LeadLikelihoods.Where(l => l.OrganisationId == organisationId && l.ModelId != model.Id).ExecuteDeleteAsync(cancellationToken);
        for (var start = 0; start < ids.Count; start += Chunk)
        {
            await StoreAsync(db, organisationId, model, ids.GetRange(start, Math.Min(Chunk, ids.Count - start)), now, cancellationToken);
            progress?.Report(Math.Min(1.0, (start + Chunk) / (double)ids.Count));
        }

        await ApplyMqlRuleAsync(db, organisationId, model.Id, now, cancellationToken);
        return ids.Count;
    }

    /// <summary>Scores the leads that have no likelihood by the active model or changed since theirs was computed; answers how many.</summary>
    public static async Task<int> StaleAsync(LeadgateDbContext db, Guid organisationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await LeadLikelihoods.ActiveAsync(db, organisationId, cancellationToken) is not { } model)
        {
            return 0;
        }

        var done = 0;
        var after = Guid.Empty;
        while (true)
        {
            // In key order from where the last chunk ended, so a lead that changes again meanwhile cannot keep the loop going.
            var from = after;
            var stale = await db.Leads.AsNoTracking()
                .Where(l => l.OrganisationId == organisationId && l.Id.CompareTo(from) > 0
                    && !db.LeadLikelihoods.Any(x => x.LeadId == l.Id && x.ModelId == model.Id && x.ComputedAt >= l.UpdatedAt && (l.ScoredAt == null || x.ComputedAt >= l.ScoredAt)))
                .OrderBy(l => l.Id)
                .Select(l => l.Id)
                .Take(Chunk)
                .ToListAsync(cancellationToken);
            if (stale.Count > 0)
            {
                await StoreAsync(db, organisationId, model, stale, now, cancellationToken);
                done += stale.Count;
                after = stale[^1];
            }

            if (stale.Count < Chunk)
            {
                break;
            }
        }

        await ApplyMqlRuleAsync(db, organisationId, model.Id, now, cancellationToken);
        return done;
    }

    private static async Task StoreAsync(LeadgateDbContext db, Guid organisationId, ActiveModel active, List<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var model = await LeadLikelihoods.ModelAsync(db, active.Id, cancellationToken);
        var rows = await LeadHistory.ReadAsync(db, organisationId, ids, active.Target, now, cancellationToken);
        var scored = rows.ConvertAll(r => LeadLikelihood.Of(r.LeadId, organisationId, active.Id, model.Probability(LeadFeatures.ToExample(model.Encoder.Schema, r.Facts, converted: false)), now));
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.LeadLikelihoods.Where(l => EF.Parameter(ids).Contains(l.LeadId)).ExecuteDeleteAsync(cancellationToken);
            db.LeadLikelihoods.AddRange(scored);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// The optional likelihood rule (<see cref="ScoringModel.LikelihoodThreshold"/>), run after each refresh over the stored
    /// likelihoods (so turning it on reaches the leads scored before): the leads at or above it that the lifecycle lets
    /// become MQLs (Iql, or Nurture past its revisit date) do, with the rule as the actor; routing and the response clock
    /// follow on the save as for any MQL. A lead changed by someone at the same moment is left to the next round.
    /// </summary>
    private static async Task ApplyMqlRuleAsync(LeadgateDbContext db, Guid organisationId, Guid modelId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var scoring = await db.ScoringModelOfAsync(organisationId, cancellationToken);
        if (scoring.LikelihoodThreshold is not { } threshold)
        {
            return;
        }

        var minimum = (double)threshold;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var leads = await db.Leads.Include(l => l.Contact).Include(l => l.Company)
            .Where(l => l.OrganisationId == organisationId && l.MergedIntoId == null
                && (l.Stage == Stage.Iql || (l.Stage == Stage.Nurture && (l.RevisitOn == null || l.RevisitOn <= today)))
                && db.LeadLikelihoods.Any(x => x.LeadId == l.Id && x.ModelId == modelId && x.Probability >= minimum))
            .OrderBy(l => l.Id)
            .Take(Chunk)
            .ToListAsync(cancellationToken);
        if (leads.Count == 0)
        {
            return;
        }

        Guid[] ids = [.. leads.Select(l => l.Id)];
        var probabilities = await db.LeadLikelihoods.AsNoTracking()
            .Where(x => x.ModelId == modelId && EF.Parameter(ids).Contains(x.LeadId))
            .ToDictionaryAsync(x => x.LeadId, x => x.Probability, cancellationToken);
        var rule = Actor.ForRule(organisationId, scoring.LikelihoodRuleName);
        foreach (var lead in leads)
        {
            lead.MarkMql(string.Create(CultureInfo.InvariantCulture, $"likelihood {probabilities[lead.Id]:0.###}"), rule, now);
        }

        // A conflict (someone changed one of these leads at the same moment) leaves them all to the next round.
        await db.SaveAsync(null, cancellationToken);
        db.ChangeTracker.Clear();
    }
}
