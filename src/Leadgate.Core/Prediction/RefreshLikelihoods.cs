using Leadgate.Data;
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
            if (stale.Count == 0)
            {
                return done;
            }

            await StoreAsync(db, organisationId, model, stale, now, cancellationToken);
            done += stale.Count;
            after = stale[^1];
            if (stale.Count < Chunk)
            {
                return done;
            }
        }
    }

    private static async Task StoreAsync(LeadgateDbContext db, Guid organisationId, ActiveModel active, List<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var model = await LeadLikelihoods.ModelAsync(db, active.Id, cancellationToken);
        var rows = await LeadHistory.ReadAsync(db, organisationId, ids, active.Target, now, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.LeadLikelihoods.Where(l => EF.Parameter(ids).Contains(l.LeadId)).ExecuteDeleteAsync(cancellationToken);
        db.LeadLikelihoods.AddRange(rows.Select(r => LeadLikelihood.Of(r.LeadId, organisationId, active.Id, model.Probability(LeadFeatures.ToExample(model.Encoder.Schema, r.Facts, converted: false)), now)));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
