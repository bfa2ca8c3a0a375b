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

    /// <summary>
    /// Each counted lead's first entries, read once (<see cref="Sql"/>); its durations per step collected per group and step,
    /// and the percentiles taken from them sorted, in .NET. Ranking them in SQL (a window over every duration) cost more
    /// than reading them: at a million leads 1.8 s against a scan of the funnel rows (docs/performance.md, P6).
    /// </summary>
    private static async Task<List<(string? Key, VelocityStep Row)>> ReadAsync(ReportReading reading, bool grouped, CancellationToken cancellationToken)
    {
        var ungrouped = grouped ? reading : reading.Ungrouped();
        var cohort = ungrouped.Filter.View == ReportView.Cohort;
        var (from, to) = (ungrouped.Filter.Start.UtcTicks, ungrouped.Filter.End.UtcTicks);
        var durations = new Dictionary<(string? Key, int Step), List<double>>();
        var entries = new long[GetFunnel.FunnelStages.Count];
        await ungrouped.EachAsync(sql => Sql(ungrouped, sql), r =>
        {
            for (var s = 0; s < entries.Length; s++)
            {
                entries[s] = ReportReading.Stored(r, 1 + s)?.UtcTicks ?? 0;
            }

            var key = ReportSql.KeyOf(r.GetValue(0));
            for (var i = 0; i < Steps.Count; i++)
            {
                var (earlier, later) = (entries[Steps[i].From], entries[Steps[i].To]);
                var counted = cohort || (later >= from && later < to);
                if (earlier != 0 && later > earlier && counted)
                {
                    if (!durations.TryGetValue((key, i), out var list))
                    {
                        durations[(key, i)] = list = [];
                    }

                    list.Add((later - earlier) / (double)TimeSpan.TicksPerDay);
                }
            }
        }, cancellationToken);

        return [.. durations.Select(d =>
        {
            d.Value.Sort();
            var n = d.Value.Count;
            var (earlier, later) = Steps[d.Key.Step];
            return (d.Key.Key, new VelocityStep(
                ReportReading.StageAt(earlier), ReportReading.StageAt(later), n, Days(d.Value[((n + 1) / 2) - 1]), Days(d.Value[((3 * n) + 3) / 4 - 1])));
        })];
    }

    private static decimal Days(double days) => decimal.Round((decimal)days, 2);

    /// <summary>
    /// One row per lead with a step to count: its group key and its first entry into each funnel stage (e0…e4). In the period
    /// view a step counts when its later entry lies in the period, in the cohort view when the lead's funnel start does; the
    /// median is the duration at rank ⌈n/2⌉, the 75th percentile at rank ⌈3n/4⌉ (<see cref="ReadAsync"/>).
    /// </summary>
    private static string Sql(ReportReading reading, ReportSql sql)
    {
        var text = new StringBuilder(reading.FirstEntries(sql)).Append(" SELECT p.group_key");
        for (var s = 0; s < GetFunnel.FunnelStages.Count; s++)
        {
            text.Append(CultureInfo.InvariantCulture, $", p.e{s}");
        }

        text.Append(" FROM leads_in p WHERE ");
        if (reading.Filter.View == ReportView.Cohort)
        {
            text.Append("p.r0 >= @from AND p.r0 < @to");
        }
        else
        {
            text.Append('(').AppendJoin(" OR ", Steps.Select(s => s.To).Distinct().Select(to => $"(p.e{to} >= @from AND p.e{to} < @to)")).Append(')');
        }

        return text.ToString();
    }
}
