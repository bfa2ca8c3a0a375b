using Leadgate.Accounts;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Leadgate.Prediction;

/// <summary>
/// The background side of prediction, per organisation: the leads that came in or changed get their stored likelihood
/// (so the list's sort and filter keep up), and, when scheduled training is on, a new model version is trained once per
/// interval. Safe on several instances: an organisation's round is claimed by an UPDATE that only one instance wins, with a
/// lease that a stopped instance lets run out.
/// </summary>
public sealed partial class RunPredictionSchedule(IDbContextFactory<LeadgateDbContext> contexts, TimeProvider clock, ILoggerFactory loggers)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);

    private readonly ILogger _logger = loggers.CreateLogger<RunPredictionSchedule>();

    /// <summary>
    /// Runs every organisation whose last round was at least <paramref name="refreshEvery"/> ago; trains those whose last
    /// scheduled training was at least <paramref name="trainEvery"/> ago (never when it is null). Answers how many rounds
    /// this instance ran.
    /// </summary>
    public async Task<int> RunDueAsync(string instance, TimeSpan refreshEvery, TimeSpan? trainEvery, CancellationToken cancellationToken)
    {
        await AddMissingAsync(cancellationToken);
        var rounds = 0;
        while (await ClaimAsync(instance, refreshEvery, cancellationToken) is { } claim)
        {
            await RunAsync(claim.OrganisationId, claim.TrainedAt, instance, trainEvery, cancellationToken);
            rounds++;
        }

        return rounds;
    }

    private async Task AddMissingAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var missing = await db.Organisations.AsNoTracking()
            .Where(o => !db.PredictionSchedules.Any(s => s.OrganisationId == o.Id))
            .Select(o => o.Id)
            .ToListAsync(cancellationToken);
        if (missing.Count > 0)
        {
            db.PredictionSchedules.AddRange(missing.Select(PredictionSchedule.For));
            // Another instance adding the same rows at once is harmless: the losing save is a duplicate, ignored.
            await db.SaveAsync(null, cancellationToken);
        }
    }

    private sealed record Claim(Guid OrganisationId, DateTimeOffset? TrainedAt);

    private async Task<Claim?> ClaimAsync(string instance, TimeSpan refreshEvery, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var dueBefore = now - refreshEvery;
        var candidates = await db.PredictionSchedules.AsNoTracking()
            .Where(s => (s.LeaseUntil == null || s.LeaseUntil < now) && (s.RefreshedAt == null || s.RefreshedAt <= dueBefore))
            .Select(s => new Claim(s.OrganisationId, s.TrainedAt))
            .ToListAsync(cancellationToken);
        foreach (var candidate in candidates)
        {
            var claimed = await db.PredictionSchedules
                .Where(s => s.OrganisationId == candidate.OrganisationId
                    && (s.LeaseUntil == null || s.LeaseUntil < now) && (s.RefreshedAt == null || s.RefreshedAt <= dueBefore))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseOwner, instance).SetProperty(x => x.LeaseUntil, now + Lease), cancellationToken);
            if (claimed == 1)
            {
                return candidate;
            }
        }

        return null;
    }

    private async Task RunAsync(Guid organisationId, DateTimeOffset? trainedAt, string instance, TimeSpan? trainEvery, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        DateTimeOffset? trained = null;
        if (trainEvery is { } every && (trainedAt is null || trainedAt <= now - every))
        {
            var train = new TrainModel(db, clock, loggers.CreateLogger<TrainModel>());
            var result = await train.HandleAsync(new TrainModelRequest(), Actor.ForSystem(organisationId), null, cancellationToken);
            if (result.Error is { } refused)
            {
                LogNotTrained(_logger, organisationId, refused.Message);
            }

            trained = now;
        }

        var refreshed = await RefreshLikelihoods.StaleAsync(db, organisationId, clock.GetUtcNow(), cancellationToken);
        if (refreshed > 0)
        {
            LogRefreshed(_logger, organisationId, refreshed);
        }

        var finishedAt = clock.GetUtcNow();
        await db.PredictionSchedules
            .Where(s => s.OrganisationId == organisationId && s.LeaseOwner == instance)
            .ExecuteUpdateAsync(
                s => s.SetProperty(x => x.RefreshedAt, finishedAt)
                    .SetProperty(x => x.TrainedAt, x => trained ?? x.TrainedAt)
                    .SetProperty(x => x.LeaseOwner, (string?)null)
                    .SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null),
                cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled training of organisation {OrganisationId} did not train: {Reason}")]
    private static partial void LogNotTrained(ILogger logger, Guid organisationId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored the likelihood of {Leads} new or changed leads of organisation {OrganisationId}")]
    private static partial void LogRefreshed(ILogger logger, Guid organisationId, int leads);
}
