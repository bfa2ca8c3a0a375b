using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;

namespace Leadgate.Reports;

/// <summary>
/// The time from the first entry into <see cref="From"/> to the first entry into <see cref="To"/>, over <see cref="Leads"/>
/// leads: median and 75th percentile in days (nearest rank), null when no lead made the step.
/// </summary>
public sealed record VelocityStep(Stage From, Stage To, long Leads, decimal? MedianDays, decimal? P75Days);

public sealed record VelocityGroup(string? Key, string Label, IReadOnlyList<VelocityStep> Steps);

public sealed record VelocityReport(
    string View, DateOnly From, DateOnly To, bool IncludeImported, string? By, IReadOnlyList<VelocityStep> Steps, IReadOnlyList<VelocityGroup>? Groups);

/// <summary>Velocity: how long leads take between first entries of funnel stages (docs/reports.md, "Velocity").</summary>
public sealed class GetVelocity(LeadgateDbContext db, TimeProvider clock)
{
    /// <summary>The steps, as indexes of the funnel stages: each next stage, and SQL → Customer (the sales cycle).</summary>
    public static readonly IReadOnlyList<(int From, int To)> Steps = [(0, 1), (1, 2), (2, 3), (3, 4), (2, 4)];

    public async Task<Result<VelocityReport>> HandleAsync(ReportQuery query, Actor actor, CancellationToken cancellationToken)
    {
        var started = await ReportReading.StartAsync(db, query, actor, clock.GetUtcNow(), cancellationToken);
        if (started.Error is { } error)
        {
            return error;
        }

        var reading = started.Value;
        var filter = reading.Filter;
        var total = await ReadAsync(reading, grouped: false, cancellationToken);
        IReadOnlyList<VelocityGroup>? groups = null;
        if (filter.By is not null)
        {
            var rows = await ReadAsync(reading, grouped: true, cancellationToken);
            groups = [.. (await reading.GroupsAsync(rows, cancellationToken)).Select(g => new VelocityGroup(g.Key, g.Label, Fill(g.Rows)))];
        }

        return new VelocityReport(
            filter.View == ReportView.Cohort ? "cohort" : "period", filter.From, filter.To, filter.IncludeImported, reading.By,
            Fill(total.Select(t => t.Row)), groups);
    }

    /// <summary>Every step, in order, the ones no lead made with no figures.</summary>
    private static List<VelocityStep> Fill(IEnumerable<VelocityStep> found)
    {
        var list = found.ToList();
        return [.. Steps.Select(s => list.FirstOrDefault(f => f.From == ReportReading.StageAt(s.From) && f.To == ReportReading.StageAt(s.To))
            ?? new VelocityStep(ReportReading.StageAt(s.From), ReportReading.StageAt(s.To), 0, null, null))];
    }

    private static Task<List<(string? Key, VelocityStep Row)>> ReadAsync(ReportReading reading, bool grouped, CancellationToken cancellationToken)
    {
        var ungrouped = grouped ? reading : reading.Ungrouped();
        return ungrouped.ReadAsync(
            sql => Sql(ungrouped, sql),
            r => (ReportSql.KeyOf(r.GetValue(0)), new VelocityStep(
                ReportReading.StageAt((int)ReportReading.Long(r, 1)), ReportReading.StageAt((int)ReportReading.Long(r, 2)),
                ReportReading.Long(r, 3), ReportReading.Days(r, 4), ReportReading.Days(r, 5))),
            cancellationToken);
    }

    /// <summary>
    /// A duration per lead and step (the first entry into the later stage after the first into the earlier one; in the period
    /// view the later entry lies in the period, in the cohort view the lead's funnel start does), ranked per group and step;
    /// the median is the duration at rank ⌈n/2⌉, the 75th percentile at rank ⌈3n/4⌉.
    /// </summary>
    private static string Sql(ReportReading reading, ReportSql sql)
    {
        var cohort = reading.Filter.View == ReportView.Cohort;
        var text = new StringBuilder(reading.FirstEntries(sql));
        text.Append(", durations AS (");
        for (var i = 0; i < Steps.Count; i++)
        {
            var (from, to) = Steps[i];
            var counted = cohort ? "p.r0 >= @from AND p.r0 < @to" : $"p.e{to} >= @from AND p.e{to} < @to";
            text.Append(i == 0 ? "" : " UNION ALL ").Append(CultureInfo.InvariantCulture,
                $"SELECT p.group_key, {from} AS step_from, {to} AS step_to, {reading.DaysBetween($"p.e{from}", $"p.e{to}")} AS days FROM leads_in p WHERE p.e{from} IS NOT NULL AND p.e{to} > p.e{from} AND {counted}");
        }

        text.Append("), ranked AS (SELECT d.group_key, d.step_from, d.step_to, d.days, ROW_NUMBER() OVER (PARTITION BY d.group_key, d.step_from, d.step_to ORDER BY d.days) AS rn,");
        text.Append(" COUNT(*) OVER (PARTITION BY d.group_key, d.step_from, d.step_to) AS n FROM durations d)");
        text.Append(" SELECT r.group_key, r.step_from, r.step_to, MAX(r.n), MIN(CASE WHEN r.rn * 2 >= r.n THEN r.days END), MIN(CASE WHEN r.rn * 4 >= r.n * 3 THEN r.days END)");
        text.Append(" FROM ranked r GROUP BY r.group_key, r.step_from, r.step_to");
        return text.ToString();
    }
}
