using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Reports;

/// <summary>
/// The open deals in one pipeline stage now: how many, their value and weighted value (value × probability, the rep's else the
/// stage's) in the organisation's currency, and how many are stale (no touch for longer than the stage allows, nothing planned).
/// </summary>
public sealed record PipelineStageFigures(Guid? PipelineId, Guid? StageId, string Stage, long Deals, decimal Value, decimal WeightedValue, long Stale);

public sealed record PipelineGroup(string? Key, string Label, IReadOnlyList<PipelineStageFigures> Stages);

public sealed record PipelineReport(string Currency, string? By, IReadOnlyList<PipelineStageFigures> Stages, IReadOnlyList<PipelineGroup>? Groups, IReadOnlyList<WithoutRate> WithoutRate);

/// <summary>Pipeline by stage: the open deals as they stand now (docs/reports.md, "Pipeline").</summary>
public sealed class GetPipelineReport(LeadgateDbContext db, TimeProvider clock)
{
    private sealed record Row(Guid? StageId, string Currency, long Deals, decimal Value, decimal Weighted, long Stale);

    public async Task<Result<PipelineReport>> HandleAsync(ReportQuery query, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var started = await ReportReading.StartAsync(db, query, actor, now, cancellationToken);
        if (started.Error is { } error)
        {
            return error;
        }

        var reading = started.Value;
        var filter = reading.Filter;
        var organisationId = actor.OrganisationId;
        var (currency, rates) = await GetExchangeRates.RatesAsync(db, organisationId, cancellationToken);
        var stages = await db.PipelineStages.AsNoTracking()
            .Join(db.Pipelines.Where(p => p.OrganisationId == organisationId), s => s.PipelineId, p => p.Id, (s, p) => new { s.Id, s.PipelineId, s.Name, s.Position, Pipeline = p.Name })
            .ToListAsync(cancellationToken);
        var order = stages.OrderBy(s => s.Pipeline, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.PipelineId).ThenBy(s => s.Position).ToList();
        Task<List<(string? Key, Row Row)>> ReadAsync(ReportReading from) => from.ReadAsync(
            sql => Sql(from, sql, now),
            r => (ReportSql.KeyOf(r.GetValue(0)), new Row(
                r.IsDBNull(1) ? null : Guid.Parse(ReportSql.KeyOf(r.GetValue(1))!), r.GetString(2), ReportReading.Long(r, 3),
                ReportReading.Decimal(r, 4), ReportReading.Decimal(r, 5), ReportReading.Long(r, 6))),
            cancellationToken);

        List<PipelineStageFigures> Figures(IEnumerable<Row> rows)
        {
            var rated = rows.Where(r => rates.ContainsKey(r.Currency)).ToList();
            var known = order.Select(s => (s.PipelineId, (Guid?)s.Id, Name: $"{s.Pipeline} / {s.Name}")).ToList();
            if (rated.Any(r => r.StageId is null || stages.All(s => s.Id != r.StageId)))
            {
                known.Add((Guid.Empty, null, "(no stage)"));
            }

            return [.. known.Select(k =>
            {
                var inStage = rated.Where(r => k.Item2 is { } id ? r.StageId == id : r.StageId is null || stages.All(s => s.Id != r.StageId)).ToList();
                return new PipelineStageFigures(
                    k.PipelineId == Guid.Empty ? null : k.PipelineId, k.Item2, k.Name, inStage.Sum(r => r.Deals),
                    decimal.Round(inStage.Sum(r => r.Value * rates[r.Currency]), 2), decimal.Round(inStage.Sum(r => r.Weighted * rates[r.Currency]), 2),
                    inStage.Sum(r => r.Stale));
            })];
        }

        var total = await ReadAsync(reading.Ungrouped());
        IReadOnlyList<PipelineGroup>? groups = null;
        if (filter.By is not null)
        {
            groups = [.. (await reading.GroupsAsync(await ReadAsync(reading), cancellationToken)).Select(g => new PipelineGroup(g.Key, g.Label, Figures(g.Rows)))];
        }

        var withoutRate = total.Select(t => t.Row).Where(r => !rates.ContainsKey(r.Currency)).GroupBy(r => r.Currency)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new WithoutRate(g.Key, (int)g.Sum(r => r.Deals), g.Sum(r => r.Value))).ToList();
        return new PipelineReport(currency, reading.By, Figures(total.Select(t => t.Row)), groups, withoutRate);
    }

    /// <summary>The open deals per group, stage and currency; stale as the board flags it (<see cref="Staleness.IsStale"/>).</summary>
    private static string Sql(ReportReading reading, ReportSql sql, DateTimeOffset now)
    {
        var filter = reading.Filter;
        sql.Add("@now", GetFunnel.Time(now, reading.Sqlite));
        var key = ReportSql.GroupKeyOf(filter.By);
        var value = reading.Number("d.\"Value\"");
        var lastTouch = "CASE WHEN l.\"LastActivityAt\" > d.\"CreatedAt\" THEN l.\"LastActivityAt\" ELSE d.\"CreatedAt\" END";
        var text = new StringBuilder("SELECT ").Append(key).Append(" AS group_key, d.\"StageId\", d.\"Currency\", COUNT(*), SUM(").Append(value).Append("),");
        text.Append(CultureInfo.InvariantCulture, $" SUM({value} * COALESCE(d.\"RepProbability\", d.\"StageProbability\") / 100.0),");
        text.Append(CultureInfo.InvariantCulture, $" SUM(CASE WHEN s.\"StaleAfterDays\" > 0 AND {lastTouch} < {reading.DaysBefore("@now", "s.\"StaleAfterDays\"")}");
        text.Append(" AND NOT EXISTS (SELECT 1 FROM \"ScheduledActivities\" a WHERE a.\"DealId\" = d.\"Id\" AND a.\"DoneAt\" IS NULL AND a.\"DueAt\" > @now) THEN 1 ELSE 0 END)");
        text.Append(" FROM \"Deals\" d JOIN \"Leads\" l ON l.\"Id\" = d.\"LeadId\" LEFT JOIN \"PipelineStages\" s ON s.\"Id\" = d.\"StageId\"").Append(sql.TeamJoin(filter.By));
        text.Append(CultureInfo.InvariantCulture, $" WHERE d.\"OrganisationId\" = @org AND d.\"Status\" = '{DealStatus.Open}'");
        text.Append(sql.LeadFilters(filter)).Append(" GROUP BY ").Append(filter.By is null ? "" : ReportSql.GroupKeyOf(filter.By) + ", ").Append("d.\"StageId\", d.\"Currency\"");
        return text.ToString();
    }
}
