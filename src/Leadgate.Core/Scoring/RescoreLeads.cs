using System.Threading.Channels;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Leadgate.Scoring;

/// <summary>How far the rescoring after the last model change has come; what the settings page's progress bar shows.</summary>
public sealed record RescoreProgress(RescoreStatus Status, int Done, int Total, int MadeMql, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt)
{
    public bool Finished => Status == RescoreStatus.Done;
}

/// <summary>The rescoring of the caller's organisation, if its model was ever changed.</summary>
public sealed class GetRescoreProgress(LeadgateDbContext db)
{
    public async Task<RescoreProgress?> HandleAsync(Actor actor, CancellationToken cancellationToken) =>
        await db.RescoreJobs.AsNoTracking()
            .Where(j => j.OrganisationId == actor.OrganisationId)
            .Select(j => new RescoreProgress(j.Status, j.Done, j.Total, j.MadeMql, j.RequestedBy, j.RequestedAt, j.FinishedAt))
            .FirstOrDefaultAsync(cancellationToken);
}

/// <summary>Wakes the background rescoring at once when a model is saved, instead of at its next poll.</summary>
public sealed class RescoreSignal
{
    private readonly System.Threading.Channels.Channel<bool> _signal = System.Threading.Channels.Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Raise() => _signal.Writer.TryWrite(true);

    /// <summary>Waits for a raise or the timeout, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _signal.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout: time for a poll.
        }
    }
}

/// <summary>
/// Rescores every lead of an organisation after its model changed, in batches, without blocking ingestion: each batch
/// reads its leads with their facts and events in one ordered query, scores them, writes only the changed scores
/// (guarded by each lead's version, so a concurrent ingestion wins and the batch is redone), moves the leads the MQL rule
/// now qualifies through the domain (named by the rule; lower scores never move anyone), and counts the job's progress,
/// all in one transaction (<see cref="ScoreChunks"/>). Safe on several instances: a job is claimed by an UPDATE that
/// only one instance wins, and a batch only counts while its claimer still holds the lease of the current generation.
/// </summary>
public sealed partial class RescoreLeads(IDbContextFactory<LeadgateDbContext> contexts, TimeProvider clock, ILogger<RescoreLeads> logger)
{
    public const int DefaultBatchSize = 2_000;

    /// <summary>How long a claim holds without a finished batch; after that another instance may take the job over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public int BatchSize { get; init; } = DefaultBatchSize;


    /// <summary>Runs every job that is pending (or whose lease ran out) to its end; answers how many jobs this instance finished.</summary>
    public async Task<int> RunPendingAsync(string instance, CancellationToken cancellationToken)
    {
        var finished = 0;
        while (await ClaimAsync(instance, cancellationToken) is { } claim)
        {
            if (await RunAsync(claim, instance, cancellationToken))
            {
                finished++;
            }
        }

        return finished;
    }

    private async Task<(Guid OrganisationId, long Generation)?> ClaimAsync(string instance, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var candidates = await db.RescoreJobs.AsNoTracking()
            .Where(j => j.Status == RescoreStatus.Pending || (j.Status == RescoreStatus.Running && j.LeaseUntil < now))
            .Select(j => new { j.OrganisationId, j.Generation })
            .ToListAsync(cancellationToken);
        foreach (var job in candidates)
        {
            // Only one instance's UPDATE finds the row still claimable.
            var claimed = await db.RescoreJobs
                .Where(j => j.OrganisationId == job.OrganisationId && j.Generation == job.Generation
                    && (j.Status == RescoreStatus.Pending || (j.Status == RescoreStatus.Running && j.LeaseUntil < now)))
                .ExecuteUpdateAsync(
                    s => s.SetProperty(j => j.Status, RescoreStatus.Running).SetProperty(j => j.LeaseOwner, instance).SetProperty(j => j.LeaseUntil, now + Lease),
                    cancellationToken);
            if (claimed == 1)
            {
                return (job.OrganisationId, job.Generation);
            }
        }

        return null;
    }

    /// <summary>Works through the claimed job batch by batch; false when the job was restarted or taken over meanwhile.</summary>
    private async Task<bool> RunAsync((Guid OrganisationId, long Generation) claim, string instance, CancellationToken cancellationToken)
    {
        var (org, generation) = claim;
        QuickScores scores;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            // A new model raises the generation, so this model holds for every batch of the claim that still counts.
            scores = new QuickScores(await db.ScoringModelOfAsync(org, cancellationToken));
        }

        var finished = await ScoreChunks.RunAllAsync(
            () => TryBatchAsync(org, generation, instance, scores, cancellationToken), attempt => LogRetry(logger, org, attempt), "rescoring batch");
        if (finished)
        {
            LogFinished(logger, org);
        }
        else
        {
            LogLost(logger, org);
        }

        return finished;
    }

    private async Task<ChunkOutcome> TryBatchAsync(Guid org, long generation, string instance, QuickScores scores, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var job = await db.RescoreJobs.AsNoTracking()
            .Where(j => j.OrganisationId == org && j.Generation == generation && j.LeaseOwner == instance && j.Status == RescoreStatus.Running)
            .Select(j => new { j.AfterCreatedAt, j.AfterLeadId })
            .FirstOrDefaultAsync(cancellationToken);
        if (job is null)
        {
            return ChunkOutcome.Lost;
        }

        var now = clock.GetUtcNow();
        var chunk = await ScoreChunks.ScoreAsync(db, () => Task.FromResult(scores), org, LeadPosition.Of(job.AfterCreatedAt, job.AfterLeadId), BatchSize, applyRule: true, now, async batch =>
        {
            var (count, madeMql, last, finished) = (batch.Count, batch.MadeMql, batch.Last, batch.Outcome == ChunkOutcome.Finished);
            var counted = await db.RescoreJobs
                .Where(j => j.OrganisationId == org && j.Generation == generation && j.LeaseOwner == instance && j.Status == RescoreStatus.Running)
                .ExecuteUpdateAsync(
                    s =>
                    {
                        s.SetProperty(j => j.Done, j => j.Done + count)
                            .SetProperty(j => j.MadeMql, j => j.MadeMql + madeMql)
                            .SetProperty(j => j.AfterCreatedAt, last?.CreatedAt)
                            .SetProperty(j => j.AfterLeadId, last?.Id)
                            .SetProperty(j => j.LeaseUntil, now + Lease);
                        if (finished)
                        {
                            // Leads deleted or added meanwhile: the finished job counts what it did.
                            s.SetProperty(j => j.Status, RescoreStatus.Done)
                                .SetProperty(j => j.Total, j => j.Done + count)
                                .SetProperty(j => j.FinishedAt, now);
                        }
                    },
                    cancellationToken);

            // Restarted by a newer model or taken over after a lapsed lease: this batch's scores are not the job's to write.
            return counted == 1;
        }, cancellationToken);
        return chunk.Outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rescoring of organisation {OrganisationId} finished")]
    private static partial void LogFinished(ILogger logger, Guid organisationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rescoring of organisation {OrganisationId} was restarted or taken over; this instance stops")]
    private static partial void LogLost(ILogger logger, Guid organisationId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rescoring batch of organisation {OrganisationId} met a concurrent change (attempt {Attempt}); redoing it")]
    private static partial void LogRetry(ILogger logger, Guid organisationId, int attempt);
}
