using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Privacy;

/// <summary>
/// The retention rules (docs/privacy.md): months without activity after which a lead's person is anonymised, per rule;
/// null turns a rule off. Activity is any change to the lead, a logged activity, a stage change or a behaviour event.
/// </summary>
public sealed record RetentionRules
{
    /// <summary>Disqualified leads untouched for this many months.</summary>
    [Range(1, RetentionPolicy.MaxMonths)]
    public int? DisqualifiedAfterMonths { get; init; }

    /// <summary>Nurture leads without activity for this many months.</summary>
    [Range(1, RetentionPolicy.MaxMonths)]
    public int? NurtureAfterMonths { get; init; }

    /// <summary>Leads that never got past IQL (current and highest stage IQL) without activity for this many months.</summary>
    [Range(1, RetentionPolicy.MaxMonths)]
    public int? IqlAfterMonths { get; init; }

    internal Invalid? Validate()
    {
        foreach (var (name, months) in new[] { ("disqualifiedAfterMonths", DisqualifiedAfterMonths), ("nurtureAfterMonths", NurtureAfterMonths), ("iqlAfterMonths", IqlAfterMonths) })
        {
            if (months is < 1 or > RetentionPolicy.MaxMonths)
            {
                return Invalid.Field(name, $"Give a number of months from 1 to {RetentionPolicy.MaxMonths}, or null to turn the rule off.");
            }
        }

        return null;
    }

    /// <summary>Each rule that is on: its name, stage, months, and whether it only takes leads that never got past that stage.</summary>
    internal IEnumerable<(string Rule, Stage Stage, int Months)> On()
    {
        if (DisqualifiedAfterMonths is { } disqualified)
        {
            yield return ("disqualified", Stage.Disqualified, disqualified);
        }

        if (NurtureAfterMonths is { } nurture)
        {
            yield return ("nurture", Stage.Nurture, nurture);
        }

        if (IqlAfterMonths is { } iql)
        {
            yield return ("iql", Stage.Iql, iql);
        }
    }
}

/// <summary>The organisation's retention rules, who changed them last and when the last sweep finished.</summary>
public sealed record RetentionSettings(
    int? DisqualifiedAfterMonths, int? NurtureAfterMonths, int? IqlAfterMonths, DateTimeOffset? ChangedAt, string? ChangedBy, DateTimeOffset? LastSweptAt)
{
    internal static RetentionSettings Of(RetentionPolicy? policy) => policy is null
        ? new RetentionSettings(null, null, null, null, null, null)
        : new RetentionSettings(policy.DisqualifiedMonths, policy.NurtureMonths, policy.IqlMonths, policy.ChangedAt, policy.ChangedBy, policy.SweptAt);
}

/// <summary>What one rule would anonymise now: how many leads, and their ids (at most <see cref="RetentionRun.MaxIds"/>), never personal data.</summary>
public sealed record RetentionRuleRun(string Rule, string Stage, int Months, DateTimeOffset InactiveSince, int Count, IReadOnlyList<Guid> LeadIds, bool Truncated);

/// <summary>A dry run: what the sweep would anonymise if it ran at <see cref="At"/>.</summary>
public sealed record RetentionRun(DateTimeOffset At, int Total, IReadOnlyList<RetentionRuleRun> Rules)
{
    public const int MaxIds = 1_000;
}

public sealed class GetRetention(LeadgateDbContext db)
{
    public async Task<RetentionSettings> HandleAsync(Actor actor, CancellationToken cancellationToken) =>
        RetentionSettings.Of(await db.RetentionPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.OrganisationId == actor.OrganisationId, cancellationToken));
}

/// <summary>An admin changes the retention rules; the change (the names of the rules changed) is in the audit log.</summary>
public sealed class ChangeRetention(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<RetentionSettings>> HandleAsync(RetentionRules? rules, Actor actor, CancellationToken cancellationToken)
    {
        if (!Admin.May(actor))
        {
            return new Forbidden("Only an admin changes the retention rules.");
        }

        if (rules is null)
        {
            return Invalid.Field("body", "Send the retention rules as a JSON object.");
        }

        if (rules.Validate() is { } invalid)
        {
            return invalid;
        }

        var policy = await db.RetentionPolicies.FirstOrDefaultAsync(p => p.OrganisationId == actor.OrganisationId, cancellationToken);
        if (policy is null)
        {
            policy = RetentionPolicy.For(actor.OrganisationId);
            db.RetentionPolicies.Add(policy);
        }

        var now = clock.GetUtcNow();
        var changed = policy.Change(rules, actor.Name, now);
        if (changed.Count > 0)
        {
            db.AuditEntries.Add(AuditEntry.Record(actor, "settings.retention_changed", "Settings", null, changed, now));
        }

        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : RetentionSettings.Of(policy);
    }
}

/// <summary>
/// What the retention rules (the saved ones, or the ones sent to try) would anonymise now: the same query the sweep runs
/// (<see cref="SweepRetention"/>), as counts and lead ids. Admin only; changes nothing.
/// </summary>
public sealed class DryRunRetention(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<RetentionRun>> HandleAsync(RetentionRules? rules, Actor actor, CancellationToken cancellationToken)
    {
        if (!Admin.May(actor))
        {
            return new Forbidden("Only an admin runs the retention rules.");
        }

        if (rules?.Validate() is { } invalid)
        {
            return invalid;
        }

        rules ??= (await db.RetentionPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.OrganisationId == actor.OrganisationId, cancellationToken))?.Rules ?? new RetentionRules();
        var now = clock.GetUtcNow();
        List<RetentionRuleRun> runs = [];
        foreach (var (rule, stage, months) in rules.On())
        {
            var since = now.AddMonths(-months);
            var due = RetentionQuery.Due(db, actor.OrganisationId, stage, since);
            var count = await due.CountAsync(cancellationToken);
            var ids = await due.OrderBy(id => id).Take(RetentionRun.MaxIds).ToListAsync(cancellationToken);
            runs.Add(new RetentionRuleRun(rule, stage.ToString(), months, since, count, ids, count > ids.Count));
        }

        return new RetentionRun(now, runs.Sum(r => r.Count), runs);
    }
}

internal static class RetentionQuery
{
    private const string ErasedDomain = "@erased.invalid";

    /// <summary>
    /// The leads of one rule: in the stage (for IQL: never past it), not merged into another, their person not yet erased,
    /// and without activity since <paramref name="since"/>: no change to the lead, no logged activity, no stage change and
    /// no behaviour event received.
    /// </summary>
    public static IQueryable<Guid> Due(LeadgateDbContext db, Guid organisationId, Stage stage, DateTimeOffset since) =>
        db.Leads.AsNoTracking()
            .Where(l => l.OrganisationId == organisationId && l.Stage == stage && l.MergedIntoId == null
                && (stage != Stage.Iql || l.HighestStage == Stage.Iql)
                && !l.Contact.Email.EndsWith(ErasedDomain)
                && l.UpdatedAt < since && l.StageChangedAt < since && (l.LastActivityAt == null || l.LastActivityAt < since)
                && !db.BehaviourEvents.Any(e => e.LeadId == l.Id && e.ReceivedAt >= since))
            .Select(l => l.Id);
}
