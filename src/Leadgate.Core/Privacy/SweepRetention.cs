using Leadgate.Accounts;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Leadgate.Privacy;

/// <summary>
/// Applies every organisation's retention rules (docs/privacy.md): the leads the dry run lists (<see cref="RetentionQuery"/>)
/// are anonymised one by one through the erasure's own code (<see cref="ErasePerson.AnonymiseAsync"/>), each in its own
/// transaction and audit line. An organisation is due once per interval; one instance claims it with an UPDATE only one
/// wins, renews its lease as it goes, and a sweep whose instance stopped is taken over when the lease runs out. A lead is
/// anonymised once: an erased person is no longer a candidate, and the lead's version refuses a second save.
/// </summary>
public sealed partial class SweepRetention(IDbContextFactory<LeadgateDbContext> contexts, TimeProvider clock, SuppressionList suppression, ILogger<SweepRetention> logger)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromDays(1);

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private const int Batch = 100;

    /// <summary>Sweeps every organisation that is due; answers how many leads this instance anonymised.</summary>
    public async Task<int> RunDueAsync(string instance, TimeSpan interval, CancellationToken cancellationToken)
    {
        var anonymised = 0;
        while (await ClaimAsync(instance, interval, cancellationToken) is { } organisationId)
        {
            anonymised += await SweepAsync(organisationId, instance, cancellationToken);
        }

        return anonymised;
    }

    private async Task<Guid?> ClaimAsync(string instance, TimeSpan interval, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var dueBefore = now - interval;
        var candidates = await db.RetentionPolicies.AsNoTracking()
            .Where(p => (p.DisqualifiedMonths != null || p.NurtureMonths != null || p.IqlMonths != null)
                && (p.LeaseUntil == null || p.LeaseUntil < now) && (p.SweptAt == null || p.SweptAt <= dueBefore))
            .Select(p => p.OrganisationId)
            .ToListAsync(cancellationToken);
        foreach (var organisationId in candidates)
        {
            var claimed = await db.RetentionPolicies
                .Where(p => p.OrganisationId == organisationId && (p.LeaseUntil == null || p.LeaseUntil < now) && (p.SweptAt == null || p.SweptAt <= dueBefore))
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.LeaseOwner, instance).SetProperty(p => p.LeaseUntil, now + Lease), cancellationToken);
            if (claimed == 1)
            {
                return organisationId;
            }
        }

        return null;
    }

    private async Task<int> SweepAsync(Guid organisationId, string instance, CancellationToken cancellationToken)
    {
        var anonymised = 0;
        var rule = Actor.ForRule(organisationId, "retention");
        RetentionRules rules;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            rules = (await db.RetentionPolicies.AsNoTracking().FirstAsync(p => p.OrganisationId == organisationId, cancellationToken)).Rules;
        }

        var now = clock.GetUtcNow();
        foreach (var (name, stage, months) in rules.On())
        {
            var since = now.AddMonths(-months);
            var reason = $"retention rule {name}: {stage}, no activity for {months} months";
            while (true)
            {
                List<Guid> due;
                await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
                {
                    due = await RetentionQuery.Due(db, organisationId, stage, since).OrderBy(id => id).Take(Batch).ToListAsync(cancellationToken);
                }

                if (due.Count == 0)
                {
                    break;
                }

                foreach (var leadId in due)
                {
                    await using var db = await contexts.CreateDbContextAsync(cancellationToken);
                    try
                    {
                        if (await new ErasePerson(db, clock, suppression).AnonymiseAsync(leadId, rule, reason, cancellationToken))
                        {
                            anonymised++;
                        }
                    }
                    catch (DbUpdateConcurrencyException)
                    {
                        // The lead changed (or was erased) under the sweep: the next batch asks the query again.
                        LogChanged(logger, leadId);
                    }
                }

                if (!await RenewAsync(organisationId, instance, null, cancellationToken))
                {
                    LogLost(logger, organisationId);
                    return anonymised;
                }
            }
        }

        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            await new ErasePerson(db, clock, suppression).CheckpointAsync(cancellationToken);
        }

        await RenewAsync(organisationId, instance, now, cancellationToken);
        LogSwept(logger, organisationId, anonymised);
        return anonymised;
    }

    /// <summary>Renews the lease, or (with <paramref name="finishedAt"/>) ends the sweep; false when another instance holds it now.</summary>
    private async Task<bool> RenewAsync(Guid organisationId, string instance, DateTimeOffset? finishedAt, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mine = db.RetentionPolicies.Where(p => p.OrganisationId == organisationId && p.LeaseOwner == instance);
        return finishedAt is { } at
            ? await mine.ExecuteUpdateAsync(u => u.SetProperty(p => p.SweptAt, at).SetProperty(p => p.LeaseOwner, (string?)null).SetProperty(p => p.LeaseUntil, (DateTimeOffset?)null), cancellationToken) == 1
            : await mine.ExecuteUpdateAsync(u => u.SetProperty(p => p.LeaseUntil, clock.GetUtcNow() + Lease), cancellationToken) == 1;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: organisation {OrganisationId} swept, {Anonymised} leads anonymised")]
    private static partial void LogSwept(ILogger logger, Guid organisationId, int anonymised);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention: the sweep of organisation {OrganisationId} was taken over by another instance")]
    private static partial void LogLost(ILogger logger, Guid organisationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: lead {LeadId} changed during the sweep; asked again")]
    private static partial void LogChanged(ILogger logger, Guid leadId);
}
