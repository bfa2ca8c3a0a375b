using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;

namespace Leadgate.Reports;

/// <summary>
/// One cohort: the leads that first entered <see cref="Transition"/>'s first stage in <see cref="Month"/>, and the share of
/// them that reached its second stage within 30, 60 and 90 days. <see cref="Incomplete"/> lists the windows that have not
/// yet passed for the whole cohort (its month's end plus the window lies after now).
/// </summary>
public sealed record CohortRow(string Month, string Transition, long Size, Ratio Within30, Ratio Within60, Ratio Within90, IReadOnlyList<int> Incomplete);

public sealed record CohortGroup(string? Key, string Label, IReadOnlyList<CohortRow> Cohorts);

public sealed record CohortReport(DateOnly From, DateOnly To, bool IncludeImported, string? By, IReadOnlyList<CohortRow> Cohorts, IReadOnlyList<CohortGroup>? Groups);

/// <summary>Cohort conversion, MQL → SQL and SQL → Customer, by the month of the first entry (docs/reports.md, "Cohorts").</summary>
public sealed class GetCohorts(LeadgateDbContext db, TimeProvider clock)
{
    public static readonly IReadOnlyList<int> Windows = [30, 60, 90];

    /// <summary>The transitions: name, the stage whose first entry makes the cohort, the stage whose first reach converts.</summary>
    private static readonly (string Name, int From, int To)[] Transitions = [("mqlToSql", 1, 2), ("sqlToCustomer", 2, 4)];

    public async Task<Result<CohortReport>> HandleAsync(ReportQuery query, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var started = await ReportReading.StartAsync(db, query, actor, now, cancellationToken);
        if (started.Error is { } error)
        {
            return error;
        }

        var reading = started.Value;
        var filter = reading.Filter;
        var months = new List<DateOnly>();
        for (var month = new DateOnly(filter.From.Year, filter.From.Month, 1); month < filter.To; month = month.AddMonths(1))
        {
            if (month >= filter.From)
            {
                months.Add(month);
            }
        }

        Task<List<(string? Key, (string Transition, int Month, long[] Counts) Row)>> ReadAsync(ReportReading from) => months.Count == 0
            ? Task.FromResult(new List<(string? Key, (string Transition, int Month, long[] Counts) Row)>())
            : from.ReadAsync(
                sql => Sql(from, sql, months),
                r => (ReportSql.KeyOf(r.GetValue(0)), (r.GetString(1), (int)ReportReading.Long(r, 2),
                    new[] { ReportReading.Long(r, 3), ReportReading.Long(r, 4), ReportReading.Long(r, 5), ReportReading.Long(r, 6) })),
                cancellationToken);
        var rows = await ReadAsync(reading);

        List<CohortRow> Cohorts(IEnumerable<(string Transition, int Month, long[] Counts)> counted)
        {
            var list = counted.ToList();
            var result = new List<CohortRow>();
            foreach (var (name, _, _) in Transitions)
            {
                for (var m = 0; m < months.Count; m++)
                {
                    var sum = new long[4];
                    foreach (var row in list.Where(x => x.Transition == name && x.Month == m))
                    {
                        for (var i = 0; i < sum.Length; i++)
                        {
                            sum[i] += row.Counts[i];
                        }
                    }

                    var end = new DateTimeOffset(months[m].AddMonths(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                    result.Add(new CohortRow(
                        ReportFilter.MonthOf(months[m]), name, sum[0], Ratio.Of(sum[1], sum[0]), Ratio.Of(sum[2], sum[0]), Ratio.Of(sum[3], sum[0]),
                        [.. Windows.Where(w => end.AddDays(w) > now)]));
                }
            }

            return result;
        }

        IReadOnlyList<CohortGroup>? groups = null;
        if (filter.By is not null)
        {
            groups = [.. (await reading.GroupsAsync(rows.Select(r => (r.Key, r.Row)), cancellationToken))
                .Select(g => new CohortGroup(g.Key, g.Label, Cohorts(g.Rows)))];
        }

        var total = filter.By == ReportGrouping.Team ? Cohorts((await ReadAsync(reading.Ungrouped())).Select(r => r.Row)) : Cohorts(rows.Select(r => r.Row));
        return new CohortReport(filter.From, filter.To, filter.IncludeImported, reading.By, total, groups);
    }

    /// <summary>
    /// Per lead its first entries and reaches (<see cref="ReportReading.FirstEntries"/>); a cohort row per transition and month:
    /// its size and how many reached the next stage within each window (the first reach at or after the first entry, no later
    /// than the window's days after it).
    /// </summary>
    private static string Sql(ReportReading reading, ReportSql sql, List<DateOnly> months)
    {
        DateTimeOffset Moment(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        for (var m = 0; m <= months.Count; m++)
        {
            var day = m < months.Count ? months[m] : months[^1].AddMonths(1);
            sql.Add($"@m{m}", GetFunnel.Time(Moment(day), reading.Sqlite));
        }

        foreach (var window in Windows)
        {
            sql.Add($"@d{window}", reading.Sqlite ? TimeSpan.FromDays(window).Ticks : TimeSpan.FromDays(window));
        }

        var text = new StringBuilder(reading.FirstEntries(sql));
        text.Append(" SELECT c.group_key, c.transition, c.month_index, COUNT(*)");
        foreach (var window in Windows)
        {
            text.Append(CultureInfo.InvariantCulture, $", SUM(CASE WHEN c.reach >= c.entry AND c.reach - c.entry <= @d{window} THEN 1 ELSE 0 END)");
        }

        text.Append(" FROM (");
        var first = true;
        foreach (var (name, from, to) in Transitions)
        {
            if (!first)
            {
                text.Append(" UNION ALL ");
            }

            first = false;
            var month = new StringBuilder("CASE");
            for (var m = 1; m <= months.Count; m++)
            {
                month.Append(CultureInfo.InvariantCulture, $" WHEN p.e{from} < @m{m} THEN {m - 1}");
            }

            month.Append(" END");
            text.Append(CultureInfo.InvariantCulture,
                $"SELECT p.group_key, '{name}' AS transition, {month} AS month_index, p.e{from} AS entry, p.r{to} AS reach FROM leads_in p WHERE p.e{from} >= @m0 AND p.e{from} < @m{months.Count}");
        }

        text.Append(") c GROUP BY c.group_key, c.transition, c.month_index");
        return text.ToString();
    }
}
