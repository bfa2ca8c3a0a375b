using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Qualification;

/// <summary>What a part of the priority rests on.</summary>
public enum PriorityFactor
{
    Bant,
    Timeline,
    Value,
    Fit,

    /// <summary>The likelihood by the organisation's active model (issue 20).</summary>
    Likelihood,
}

/// <summary>One line of a rank's explanation: the factor, the points it gave, and the facts behind them.</summary>
public sealed record PriorityReason(PriorityFactor Factor, int Points, string Text)
{
    public int? Confirmed { get; init; }

    public int? Partial { get; init; }

    public DateOnly? Date { get; init; }

    public int? DaysAway { get; init; }

    public decimal? Value { get; init; }

    public string? Currency { get; init; }

    public decimal? Fit { get; init; }

    /// <summary>The lead's likelihood (0–1) by the active model, as stored for the lists.</summary>
    public double? Likelihood { get; init; }
}

/// <summary>
/// "Who to work first": the pure ranking of an SQL out of 100 points — BANT strength (10 per confirmed dimension, 5 per
/// partial: 40), timeline urgency (the buying date, or the deal's close date when BANT has none: 30 within a week, less
/// the further away, little for half a year and beyond: 30), deal value (logarithmic, 1,000 → 0 up to 10,000,000 → 20)
/// and fit with the ICP (fit / 10: 10); when the organisation has an active likelihood model, the lead's likelihood
/// (probability × 10: 10 more, so a ranking with a model is out of 110). Every part says why.
/// </summary>
public static class SqlPriority
{
    public static (int Score, IReadOnlyList<PriorityReason> Reasons) Rank(Bant bant, DateOnly? closeDate, decimal? value, string? currency, decimal? fit, DateOnly today, double? likelihood = null)
    {
        var confirmed = bant.ConfirmedCount;
        var partial = new[] { bant.Budget.Status, bant.Authority.Status, bant.Need.Status, bant.Timeline.Status }.Count(s => s == BantStatus.Partial);
        var reasons = new List<PriorityReason>
        {
            new(PriorityFactor.Bant, (10 * confirmed) + (5 * partial), $"BANT: {confirmed} of 4 confirmed" + (partial > 0 ? $", {partial} partial" : ""))
            {
                Confirmed = confirmed,
                Partial = partial,
            },
        };

        var date = bant.Timeline.Date ?? closeDate;
        if (date is { } when)
        {
            var days = when.DayNumber - today.DayNumber;
            var points = days switch
            {
                < 0 => 20,
                <= 7 => 30,
                <= 30 => 24,
                <= 90 => 16,
                <= 180 => 8,
                _ => 3,
            };
            reasons.Add(new PriorityReason(PriorityFactor.Timeline, points, days < 0 ? $"Timeline {when:yyyy-MM-dd} has passed ({-days} days ago)" : $"Timeline {when:yyyy-MM-dd}, in {days} days")
            {
                Date = when,
                DaysAway = days,
            });
        }
        else
        {
            reasons.Add(new PriorityReason(PriorityFactor.Timeline, 0, "No timeline date"));
        }

        if (value is > 0 and { } amount)
        {
            var points = (int)Math.Round(Math.Clamp(5 * Math.Log10((double)amount / 1_000), 0, 20));
            reasons.Add(new PriorityReason(PriorityFactor.Value, points, $"Deal value {currency} {amount:0.##}") { Value = amount, Currency = currency });
        }

        if (fit is { } f)
        {
            reasons.Add(new PriorityReason(PriorityFactor.Fit, (int)Math.Round(Math.Clamp(f, 0, 100) / 10), $"Fit {f:0}") { Fit = f });
        }

        if (likelihood is { } p)
        {
            reasons.Add(new PriorityReason(PriorityFactor.Likelihood, (int)Math.Round(Math.Clamp(p, 0, 1) * 10), $"Likelihood {p:0%}") { Likelihood = p });
        }

        return (reasons.Sum(r => r.Points), reasons);
    }
}

public sealed record SqlPriorityItem(
    int Rank, Guid LeadId, string Name, string? Company, Guid? OwnerId, Guid? DealId, decimal? DealValue, string? Currency, DateOnly? TimelineDate,
    int Score, IReadOnlyList<PriorityReason> Reasons);

/// <summary>The organisation's SQLs (or only the caller's with <c>mine</c>), best first, each with its score and why.</summary>
public sealed class ListSqlPriority(LeadgateDbContext db, TimeProvider clock)
{
    public const int MaxLimit = 500;

    public async Task<IReadOnlyList<SqlPriorityItem>> HandleAsync(Actor actor, bool mine, int limit, CancellationToken cancellationToken)
    {
        var rows = await (
                from lead in db.Leads.AsNoTracking()
                where lead.OrganisationId == actor.OrganisationId && lead.Stage == Stage.Sql && (!mine || lead.OwnerId == actor.UserId)
                join d in db.Deals on lead.DealId equals (Guid?)d.Id into deals
                from deal in deals.DefaultIfEmpty()
                select new
                {
                    lead.Id,
                    lead.Contact.FirstName,
                    lead.Contact.LastName,
                    lead.Contact.Email,
                    Company = lead.Company!.Name,
                    lead.OwnerId,
                    lead.DealId,
                    lead.Bant,
                    lead.FitScore,
                    Likelihood = db.LeadLikelihoods.Where(l => l.LeadId == lead.Id).Select(l => (double?)l.Probability).FirstOrDefault(),
                    Value = (decimal?)deal.Value,
                    Currency = deal.Currency,
                    Close = (DateOnly?)deal.ExpectedCloseDate,
                })
            .ToListAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return rows
            .Select(r => (Row: r, Rank: SqlPriority.Rank(r.Bant, r.Close, r.Value, r.Currency, r.FitScore, today, r.Likelihood)))
            .OrderByDescending(x => x.Rank.Score)
            .ThenBy(x => x.Row.Bant.Timeline.Date ?? x.Row.Close ?? DateOnly.MaxValue)
            .ThenByDescending(x => x.Row.Value ?? 0)
            .ThenBy(x => x.Row.Id)
            .Take(Math.Clamp(limit, 1, MaxLimit))
            .Select((x, i) => new SqlPriorityItem(
                i + 1, x.Row.Id, Contact.NameOf(x.Row.FirstName, x.Row.LastName, x.Row.Email), x.Row.Company, x.Row.OwnerId, x.Row.DealId, x.Row.Value, x.Row.Currency,
                x.Row.Bant.Timeline.Date ?? x.Row.Close, x.Rank.Score, x.Rank.Reasons))
            .ToList();
    }
}
