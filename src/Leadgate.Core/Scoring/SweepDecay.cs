using Leadgate.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Leadgate.Scoring;

/// <summary>
/// Refreshes the stored scores for decay. Engagement decays with time, but a lead's stored <c>EngagementScore</c> only
/// changes when it gets an event, is changed or is rescored, so lists sorted and filtered by engagement drift from the
/// truth. Every organisation is swept at least once per interval (a day by default) on the rescore job's fast path
/// (<see cref="ScoreChunks"/>): its leads in key order, chunk by chunk, only changed scores written, each guarded by the
/// lead's version so a concurrent ingestion wins. The sweep only writes scores: it never applies the MQL rule, so it
/// never moves a lead out of (or into) a stage. Safe on several instances: a sweep is claimed by an UPDATE that only one
/// instance wins, and each chunk only counts while that instance still holds the lease.
/// </summary>
public sealed partial class SweepDecay(IDbContextFactory<LeadgateDbContext> contexts, TimeProvider clock, ScoringModelCache models, ILogger<SweepDecay> logger)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromDays(1);

    public int BatchSize { get; init; } = RescoreLeads.DefaultBatchSize;

    /// <summary>Sweeps every organisation whose last sweep finished at least <paramref name="interval"/> ago (or never ran), and takes over sweeps whose lease ran out; answers how many this instance finished.</summary>
    public async Task<int> RunDueAsync(string instance, TimeSpan interval, CancellationToken cancellationToken)
    {
        await AddMissingAsync(cancellationToken);
        var finished = 0;
        while (await ClaimAsync(instance, interval, cancellationToken) is { } organisationId)
        {
            if (await RunAsync(organisationId, instance, cancellationToken))
            {
                finished++;
            }
        }

        return finished;
    }

    /// <summary>A row for every organisation that has none yet; another instance adding the same rows at once is harmless.</summary>
    private async Task AddMissingAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var missing = await db.Organisations.AsNoTracking()
            .Where(o => !db.DecaySweeps.Any(s => s.OrganisationId == o.Id))
            .Select(o => o.Id)
            .ToListAsync(cancellationToken);
        if (missing.Count == 0)
        {
            return;
        }

        db.DecaySweeps.AddRange(missing.Select(DecaySweep.For));
        await db.SaveAsync(null, cancellationToken);
    }

    private async Task<Guid?> ClaimAsync(string instance, TimeSpan interval, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var dueBefore = now - interval;
        var candidates = await db.DecaySweeps.AsNoTracking()
            .Where(s => (s.LeaseUntil == null || s.LeaseUntil < now) && (s.StartedAt != null || s.FinishedAt == null || s.FinishedAt <= dueBefore))
            .Select(s => s.OrganisationId)
            .ToListAsync(cancellationToken);
        foreach (var organisationId in candidates)
        {
            // Only one instance's UPDATE finds the row still claimable; a sweep that was not under way starts from the first lead.
            var claimed = await db.DecaySweeps
                .Where(s => s.OrganisationId == organisationId
                    && (s.LeaseUntil == null || s.LeaseUntil < now) && (s.StartedAt != null || s.FinishedAt == null || s.FinishedAt <= dueBefore))
                .ExecuteUpdateAsync(
                    s => s.SetProperty(x => x.LeaseOwner, instance)
                        .SetProperty(x => x.LeaseUntil, now + RescoreLeads.Lease)
                        .SetProperty(x => x.AfterCreatedAt, x => x.StartedAt == null ? null : x.AfterCreatedAt)
                        .SetProperty(x => x.AfterLeadId, x => x.StartedAt == null ? null : x.AfterLeadId)
                        .SetProperty(x => x.Done, x => x.StartedAt == null ? 0 : x.Done)
                        .SetProperty(x => x.Changed, x => x.StartedAt == null ? 0 : x.Changed)
                        .SetProperty(x => x.StartedAt, x => x.StartedAt ?? now),
                    cancellationToken);
            if (claimed == 1)
            {
                return organisationId;
            }
        }

        return null;
    }

    /// <summary>Works through the organisation's leads chunk by chunk; false when another instance took the sweep over.</summary>
    private async Task<bool> RunAsync(Guid organisationId, string instance, CancellationToken cancellationToken)
    {
        var model = new ChunkScores(models, organisationId);
        var finished = await ScoreChunks.RunAllAsync(
            () => TryChunkAsync(organisationId, instance, model, cancellationToken), attempt => LogRetry(logger, organisationId, attempt), "decay sweep chunk");
        if (finished)
        {
            LogFinished(logger, organisationId);
        }
        else
        {
            LogLost(logger, organisationId);
        }

        return finished;
    }

    private async Task<ChunkOutcome> TryChunkAsync(Guid organisationId, string instance, ChunkScores model, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var sweep = await db.DecaySweeps.AsNoTracking()
            .Where(s => s.OrganisationId == organisationId && s.LeaseOwner == instance && s.StartedAt != null)
            .Select(s => new { s.AfterCreatedAt, s.AfterLeadId })
            .FirstOrDefaultAsync(cancellationToken);
        if (sweep is null)
        {
            return ChunkOutcome.Lost;
        }

        var now = clock.GetUtcNow();
        var chunk = await ScoreChunks.ScoreAsync(db, () => model.ScoresAsync(db, cancellationToken), organisationId, LeadPosition.Of(sweep.AfterCreatedAt, sweep.AfterLeadId), BatchSize, applyRule: false, now, async done =>
        {
            var (count, changed, last, finished) = (done.Count, done.Written, done.Last, done.Outcome == ChunkOutcome.Finished);
            var counted = await db.DecaySweeps
                .Where(s => s.OrganisationId == organisationId && s.LeaseOwner == instance && s.StartedAt != null)
                .ExecuteUpdateAsync(
                    s =>
                    {
                        s.SetProperty(x => x.Done, x => x.Done + count).SetProperty(x => x.Changed, x => x.Changed + changed);
                        if (finished)
                        {
                            s.SetProperty(x => x.StartedAt, (DateTimeOffset?)null)
                                .SetProperty(x => x.FinishedAt, now)
                                .SetProperty(x => x.AfterCreatedAt, (DateTimeOffset?)null)
                                .SetProperty(x => x.AfterLeadId, (Guid?)null)
                                .SetProperty(x => x.LeaseOwner, (string?)null)
                                .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null);
                        }
                        else
                        {
                            s.SetProperty(x => x.AfterCreatedAt, last?.CreatedAt).SetProperty(x => x.AfterLeadId, last?.Id).SetProperty(x => x.LeaseUntil, now + RescoreLeads.Lease);
                        }
                    },
                    cancellationToken);

            // Taken over by another instance after a lapsed lease: this chunk is not ours to write.
            return counted == 1;
        }, cancellationToken);
        return chunk.Outcome;
    }

    /// <summary>The organisation's model as of each chunk (read after its leads), and its scorer, made again only when the model was changed.</summary>
    private sealed class ChunkScores(ScoringModelCache models, Guid organisationId)
    {
        private QuickScores? _scores;

        public async Task<QuickScores> ScoresAsync(LeadgateDbContext db, CancellationToken cancellationToken)
        {
            var model = await models.ModelOfAsync(db, organisationId, cancellationToken);
            if (_scores is null || !ReferenceEquals(_scores.Model, model))
            {
                _scores = new QuickScores(model);
            }

            return _scores;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Decay sweep of organisation {OrganisationId} finished")]
    private static partial void LogFinished(ILogger logger, Guid organisationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Decay sweep of organisation {OrganisationId} was taken over; this instance stops")]
    private static partial void LogLost(ILogger logger, Guid organisationId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Decay sweep chunk of organisation {OrganisationId} met a concurrent change (attempt {Attempt}); redoing it")]
    private static partial void LogRetry(ILogger logger, Guid organisationId, int attempt);
}
