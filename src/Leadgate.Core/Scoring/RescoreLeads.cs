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
/// loads its leads and their events in two queries, scores them with the pure functions, applies the MQL rule as
/// ingestion does (a met threshold moves an Iql lead, named by the rule; lower scores never move anyone) and saves
/// the leads and the job's progress in one transaction. Safe on several instances: a job is claimed by an UPDATE that
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
        while (true)
        {
            var outcome = await RunBatchAsync(org, generation, instance, cancellationToken);
            switch (outcome)
            {
                case BatchOutcome.More:
                    continue;
                case BatchOutcome.Finished:
                    LogFinished(logger, org);
                    return true;
                case BatchOutcome.Lost:
                    LogLost(logger, org);
                    return false;
            }
        }
    }

    private enum BatchOutcome
    {
        More,
        Finished,
        Lost,
    }

    private async Task<BatchOutcome> RunBatchAsync(Guid org, long generation, string instance, CancellationToken cancellationToken)
    {
        // A concurrent ingestion that changed one of the batch's leads wins; the batch is simply done again on top of it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryBatchAsync(org, generation, instance, cancellationToken);
            }
            catch (Exception exception) when (attempt < 5 && exception is DbUpdateConcurrencyException or DbUpdateException
                || (exception is InvalidOperationException { InnerException: DbUpdateException } && attempt < 5))
            {
                LogRetry(logger, org, attempt);
            }
        }
    }

    private async Task<BatchOutcome> TryBatchAsync(Guid org, long generation, string instance, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var job = await db.RescoreJobs.AsNoTracking()
            .Where(j => j.OrganisationId == org && j.Generation == generation && j.LeaseOwner == instance && j.Status == RescoreStatus.Running)
            .Select(j => new { j.AfterLeadId })
            .FirstOrDefaultAsync(cancellationToken);
        if (job is null)
        {
            return BatchOutcome.Lost;
        }

        var model = await db.ScoringModelOfAsync(org, cancellationToken);
        var leadsQuery = db.Leads.Include(l => l.Contact).Include(l => l.Company).Where(l => l.OrganisationId == org);
        if (job.AfterLeadId is { } after)
        {
            leadsQuery = leadsQuery.Where(l => l.Id.CompareTo(after) > 0);
        }

        var leads = await leadsQuery.OrderBy(l => l.Id).Take(BatchSize).ToListAsync(cancellationToken);
        var ids = leads.Select(l => l.Id).ToList();
        var events = (await db.BehaviourEvents.AsNoTracking()
            .Where(e => e.OrganisationId == org && ids.Contains(e.LeadId))
            .Select(e => new { e.LeadId, Event = new ScoredEvent(e.ExternalId, e.Type, e.OccurredAt) })
            .ToListAsync(cancellationToken))
            .ToLookup(e => e.LeadId, e => e.Event);

        var now = clock.GetUtcNow();
        var madeMql = 0;
        foreach (var lead in leads)
        {
            madeMql += LeadScoring.Rescore(lead, model, events[lead.Id], newHandRaise: null, now) is null ? 0 : 1;
        }

        var finished = leads.Count < BatchSize;
        var count = leads.Count;
        var last = leads.Count == 0 ? job.AfterLeadId : leads[^1].Id;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        var counted = await db.RescoreJobs
            .Where(j => j.OrganisationId == org && j.Generation == generation && j.LeaseOwner == instance && j.Status == RescoreStatus.Running)
            .ExecuteUpdateAsync(
                s =>
                {
                    s.SetProperty(j => j.Done, j => j.Done + count)
                        .SetProperty(j => j.MadeMql, j => j.MadeMql + madeMql)
                        .SetProperty(j => j.AfterLeadId, last)
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
        if (counted != 1)
        {
            // Restarted by a newer model or taken over after a lapsed lease: this batch's scores are not the job's to write.
            await transaction.RollbackAsync(cancellationToken);
            return BatchOutcome.Lost;
        }

        await transaction.CommitAsync(cancellationToken);
        return finished ? BatchOutcome.Finished : BatchOutcome.More;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rescoring of organisation {OrganisationId} finished")]
    private static partial void LogFinished(ILogger logger, Guid organisationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rescoring of organisation {OrganisationId} was restarted or taken over; this instance stops")]
    private static partial void LogLost(ILogger logger, Guid organisationId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Rescoring batch of organisation {OrganisationId} met a concurrent change (attempt {Attempt}); redoing it")]
    private static partial void LogRetry(ILogger logger, Guid organisationId, int attempt);
}
