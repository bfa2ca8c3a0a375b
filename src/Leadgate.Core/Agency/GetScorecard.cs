using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

/// <summary>A rate as its two counts, so a reader can check it; <see cref="Rate"/> is null when nothing was counted.</summary>
public sealed record Ratio(int Numerator, int Denominator)
{
    public double? Rate => Denominator == 0 ? null : (double)Numerator / Denominator;
}

public sealed record MoneyTotal(string Currency, decimal Amount);

/// <summary>
/// The agency's proof of value for one client over a period: of the leads handed over in [from, to) (a cohort), how many
/// were delivered or already known, first touched, accepted as SQL and won, as of now; the time from hand-over to the
/// client's first touch; won value only where the link shares Revenue.
/// </summary>
public sealed record Scorecard(
    Guid LinkId,
    LinkedOrganisation Client,
    AgencyShares Shares,
    DateOnly From,
    DateOnly To,
    int HandedOver,
    int Delivered,
    int AlreadyKnown,
    int FirstTouched,
    int AcceptedAsSql,
    Ratio AcceptanceRate,
    int Won,
    double? MedianMinutesToFirstTouch,
    double? AverageMinutesToFirstTouch)
{
    /// <summary>The won deals' final amounts per currency; null unless the link shares Revenue.</summary>
    public IReadOnlyList<MoneyTotal>? WonValue { get; init; }
}

/// <summary>The scorecard of one of the agency's links; the client side and every other organisation get 404.</summary>
public sealed class GetScorecard(LeadgateDbContext db, TimeProvider clock)
{
    public const int DefaultDays = 90;

    public async Task<Result<Scorecard>> HandleAsync(Guid linkId, DateOnly? from, DateOnly? to, Actor actor, CancellationToken cancellationToken)
    {
        var link = await (
                from l in db.AgencyLinks.AsNoTracking()
                where l.Id == linkId && l.AgencyOrganisationId == actor.OrganisationId
                join client in db.Organisations on l.ClientOrganisationId equals client.Id
                select new { l.Id, l.Shares, Client = new LinkedOrganisation(client.Slug, client.Name) })
            .FirstOrDefaultAsync(cancellationToken);
        if (link is null)
        {
            return new NotFound("Agency link", linkId);
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var end = to ?? today.AddDays(1);
        var start = from ?? end.AddDays(-DefaultDays);
        if (end <= start)
        {
            return Invalid.Field("to", "The period's end must come after its start.");
        }

        var (startAt, endAt) = (new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(end.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        var cohort = await db.AgencyHandovers.AsNoTracking()
            .Where(h => h.LinkId == link.Id && h.HandedOverAt >= startAt && h.HandedOverAt < endAt)
            .ToListAsync(cancellationToken);
        var outcomes = await AgencyOutcomes.OfAsync(db, cohort, cancellationToken);

        var delivered = cohort.Where(h => h.Status == HandoverStatus.Delivered).ToList();
        var touchMinutes = delivered
            .Select(h => outcomes.GetValueOrDefault(h.Id)?.FirstTouchAt - h.HandedOverAt)
            .Where(t => t is not null)
            .Select(t => t!.Value.TotalMinutes)
            .Order()
            .ToList();
        var won = delivered.Select(h => outcomes.GetValueOrDefault(h.Id)).Where(o => o?.WonAt is not null).ToList();
        var accepted = delivered.Count(h => outcomes.GetValueOrDefault(h.Id)?.AcceptedAt is not null);
        return new Scorecard(
            link.Id, link.Client, link.Shares, start, end,
            cohort.Count,
            delivered.Count,
            cohort.Count - delivered.Count,
            touchMinutes.Count,
            accepted,
            new Ratio(accepted, delivered.Count),
            won.Count,
            Median(touchMinutes),
            touchMinutes.Count == 0 ? null : touchMinutes.Average())
        {
            WonValue = link.Shares >= AgencyShares.Revenue
                ? [.. won.Where(o => o!.WonAmount is not null).GroupBy(o => o!.Currency ?? "").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new MoneyTotal(g.Key, g.Sum(o => o!.WonAmount!.Value)))]
                : null,
        };
    }

    private static double? Median(List<double> sorted) => sorted.Count == 0 ? null
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
        : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
