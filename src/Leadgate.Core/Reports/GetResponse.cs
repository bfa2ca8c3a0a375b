using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;

namespace Leadgate.Reports;

/// <summary>
/// Speed to lead over the handovers assigned to a rep in the period: how many, how many were touched, the hours from
/// assignment to the first touch (median and 75th percentile, nearest rank), and SLA compliance: met of decided (met + breached).
/// </summary>
public sealed record ResponseFigures(long Handovers, long Touched, decimal? MedianHours, decimal? P75Hours, long Met, long Breached, Ratio SlaMet);

public sealed record ResponseGroup(string? Key, string Label, ResponseFigures Figures);

public sealed record ResponseReport(DateOnly From, DateOnly To, string? By, ResponseFigures Total, IReadOnlyList<ResponseGroup>? Groups);

/// <summary>Speed to lead and SLA compliance per rep and team (docs/reports.md, "Speed to lead").</summary>
public sealed class GetResponse(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<ResponseReport>> HandleAsync(ReportQuery query, Actor actor, CancellationToken cancellationToken)
    {
        var started = await ReportReading.StartAsync(db, query, actor, clock.GetUtcNow(), cancellationToken);
        if (started.Error is { } error)
        {
            return error;
        }

        var reading = started.Value;
        var filter = reading.Filter;
        var total = (await ReadAsync(reading.Ungrouped(), cancellationToken)).Select(r => r.Figures).SingleOrDefault() ?? Empty;
        IReadOnlyList<ResponseGroup>? groups = null;
        if (filter.By is not null)
        {
            groups = [.. (await reading.GroupsAsync(await ReadAsync(reading, cancellationToken), cancellationToken))
                .Select(g => new ResponseGroup(g.Key, g.Label, g.Rows.Single()))];
        }

        return new ResponseReport(filter.From, filter.To, reading.By, total, groups);
    }

    private static readonly ResponseFigures Empty = new(0, 0, null, null, 0, 0, Ratio.Of(0, 0));

    private static Task<List<(string? Key, ResponseFigures Figures)>> ReadAsync(ReportReading reading, CancellationToken cancellationToken) =>
        reading.ReadAsync(
            sql => Sql(reading, sql),
            r =>
            {
                var (met, breached) = (ReportReading.Long(r, 5), ReportReading.Long(r, 6));
                return (ReportSql.KeyOf(r.GetValue(0)), new ResponseFigures(
                    ReportReading.Long(r, 1), ReportReading.Long(r, 2), ReportReading.Days(r, 3), ReportReading.Days(r, 4), met, breached, Ratio.Of(met, met + breached)));
            },
            cancellationToken);

    /// <summary>
    /// The handovers assigned to a rep in [from, to), joined to the lead for the filters and the grouping; the touched ones
    /// ranked by their hours to the first touch. Met: touched no later than due; breached: flagged by the response clock.
    /// </summary>
    private static string Sql(ReportReading reading, ReportSql sql)
    {
        var filter = reading.Filter;
        var hours = $"({reading.DaysBetween("h.\"AssignedAt\"", "h.\"FirstTouchAt\"")}) * 24.0";
        var text = new StringBuilder("WITH base AS (SELECT ").Append(ReportSql.GroupKeyOf(filter.By)).Append(" AS group_key,");
        text.Append(CultureInfo.InvariantCulture, $" CASE WHEN h.\"FirstTouchAt\" IS NOT NULL THEN {hours} END AS hours,");
        text.Append(" CASE WHEN h.\"FirstTouchAt\" IS NOT NULL AND h.\"SlaDueAt\" IS NOT NULL AND h.\"FirstTouchAt\" <= h.\"SlaDueAt\" THEN 1 ELSE 0 END AS met,");
        text.Append(" CASE WHEN h.\"BreachedAt\" IS NOT NULL THEN 1 ELSE 0 END AS breached");
        text.Append(" FROM \"Handovers\" h JOIN \"Leads\" l ON l.\"Id\" = h.\"LeadId\" LEFT JOIN \"Deals\" d ON d.\"Id\" = l.\"DealId\"").Append(sql.TeamJoin(filter.By));
        text.Append(" WHERE h.\"OrganisationId\" = @org AND l.\"OrganisationId\" = @org AND h.\"OwnerId\" IS NOT NULL AND h.\"AssignedAt\" >= @from AND h.\"AssignedAt\" < @to");
        text.Append(sql.LeadFilters(filter)).Append("),");
        text.Append(" ranked AS (SELECT b.group_key, b.hours, ROW_NUMBER() OVER (PARTITION BY b.group_key ORDER BY b.hours) AS rn, COUNT(*) OVER (PARTITION BY b.group_key) AS n FROM base b WHERE b.hours IS NOT NULL),");
        text.Append(" counted AS (SELECT b.group_key, COUNT(*) AS handovers, SUM(CASE WHEN b.hours IS NOT NULL THEN 1 ELSE 0 END) AS touched, SUM(b.met) AS met, SUM(b.breached) AS breached FROM base b GROUP BY b.group_key),");
        text.Append(" speed AS (SELECT r.group_key, MIN(CASE WHEN r.rn * 2 >= r.n THEN r.hours END) AS median, MIN(CASE WHEN r.rn * 4 >= r.n * 3 THEN r.hours END) AS p75 FROM ranked r GROUP BY r.group_key)");
        text.Append(" SELECT c.group_key, c.handovers, c.touched, s.median, s.p75, c.met, c.breached FROM counted c LEFT JOIN speed s ON s.group_key = c.group_key OR (s.group_key IS NULL AND c.group_key IS NULL)");
        return text.ToString();
    }
}
