using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;

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
        var week = await db.WorkingWeekOfAsync(actor.OrganisationId, cancellationToken);
        var total = (await ReadAsync(reading.Ungrouped(), week, cancellationToken)).Select(r => r.Figures).SingleOrDefault() ?? Empty;
        IReadOnlyList<ResponseGroup>? groups = null;
        if (filter.By is not null)
        {
            groups = [.. (await reading.GroupsAsync(await ReadAsync(reading, week, cancellationToken), cancellationToken))
                .Select(g => new ResponseGroup(g.Key, g.Label, g.Rows.Single()))];
        }

        return new ResponseReport(filter.From, filter.To, reading.By, total, groups);
    }

    private static readonly ResponseFigures Empty = new(0, 0, null, null, 0, 0, Ratio.Of(0, 0));

    /// <summary>
    /// Per group: the counts from one SQL aggregation, and the speed from the touched handovers' assignment and first touch,
    /// read one row each and measured in the working week (<see cref="WorkingWeek.Between"/>, as the response clock counts).
    /// </summary>
    private static async Task<List<(string? Key, ResponseFigures Figures)>> ReadAsync(ReportReading reading, WorkingWeek week, CancellationToken cancellationToken)
    {
        var counts = await reading.ReadAsync(
            sql => CountsSql(reading, sql),
            r => (Key: ReportSql.KeyOf(r.GetValue(0)), Handovers: ReportReading.Long(r, 1), Touched: ReportReading.Long(r, 2), Met: ReportReading.Long(r, 3), Breached: ReportReading.Long(r, 4)),
            cancellationToken);
        var hours = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        await reading.EachAsync(
            sql => TouchesSql(reading, sql),
            r =>
            {
                var key = ReportSql.KeyOf(r.GetValue(0)) ?? "";
                if (!hours.TryGetValue(key, out var list))
                {
                    hours[key] = list = [];
                }

                list.Add(week.Between(ReportReading.Stored(r, 1)!.Value, ReportReading.Stored(r, 2)!.Value).TotalHours);
            },
            cancellationToken);
        return [.. counts.Select(c =>
        {
            var sorted = hours.GetValueOrDefault(c.Key ?? "", []);
            sorted.Sort();
            decimal? Rank(int times, int of) => sorted.Count == 0 ? null : decimal.Round((decimal)sorted[((sorted.Count * times) + of - 1) / of - 1], 2);
            return (c.Key, new ResponseFigures(c.Handovers, c.Touched, Rank(1, 2), Rank(3, 4), c.Met, c.Breached, Ratio.Of(c.Met, c.Met + c.Breached)));
        })];
    }

    /// <summary>The handovers assigned to a rep in [from, to), joined to the lead for the filters and the grouping.</summary>
    private static string Handovers(ReportSql sql, ReportFilter filter) => ReportSql.ReadsLead(filter)
        ? " FROM \"Handovers\" h JOIN \"Leads\" l ON l.\"Id\" = h.\"LeadId\"" + ReportSql.DealOfLead(filter) + sql.TeamJoin(filter.By)
            + " WHERE h.\"OrganisationId\" = @org AND l.\"OrganisationId\" = @org AND h.\"OwnerId\" IS NOT NULL AND h.\"AssignedAt\" >= @from AND h.\"AssignedAt\" < @to"
            + sql.LeadFilters(filter)
        : " FROM \"Handovers\" h WHERE h.\"OrganisationId\" = @org AND h.\"OwnerId\" IS NOT NULL AND h.\"AssignedAt\" >= @from AND h.\"AssignedAt\" < @to";

    /// <summary>Per group: handovers, touched, met (touched no later than due), breached (flagged by the response clock).</summary>
    private static string CountsSql(ReportReading reading, ReportSql sql)
    {
        var key = ReportSql.GroupKeyOf(reading.Filter.By);
        var text = new StringBuilder("SELECT ").Append(key).Append(", COUNT(*), SUM(CASE WHEN h.\"FirstTouchAt\" IS NOT NULL THEN 1 ELSE 0 END),");
        text.Append(" SUM(CASE WHEN h.\"FirstTouchAt\" IS NOT NULL AND h.\"SlaDueAt\" IS NOT NULL AND h.\"FirstTouchAt\" <= h.\"SlaDueAt\" THEN 1 ELSE 0 END),");
        text.Append(" SUM(CASE WHEN h.\"BreachedAt\" IS NOT NULL THEN 1 ELSE 0 END)").Append(Handovers(sql, reading.Filter));
        return (reading.Filter.By is null ? text : text.Append(" GROUP BY ").Append(key)).ToString();
    }

    /// <summary>The touched handovers, one row each: group, assignment, first touch.</summary>
    private static string TouchesSql(ReportReading reading, ReportSql sql) =>
        "SELECT " + ReportSql.GroupKeyOf(reading.Filter.By) + ", h.\"AssignedAt\", h.\"FirstTouchAt\"" + Handovers(sql, reading.Filter) + " AND h.\"FirstTouchAt\" IS NOT NULL";
}
