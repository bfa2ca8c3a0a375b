using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Pipeline;

namespace Leadgate.Reports;

/// <summary>
/// MQL quality of one group: leads, MQLs, SQLs and customers (the funnel's <c>reached</c> of Iql, Mql, Sql and Customer), the
/// value won (deals won in the period, in the organisation's currency) and the conversions, each saying what it is of.
/// </summary>
public sealed record SourceFigures(
    long Leads, long Mqls, long Sqls, long Won, long DealsWon, decimal WonValue, Ratio LeadToMql, Ratio MqlToSql, Ratio SqlToWon);

public sealed record SourceRow(string? Key, string Label, SourceFigures Figures);

public sealed record SourceReport(
    string View, string RatioKind, string Currency, DateOnly From, DateOnly To, bool IncludeImported, string By,
    SourceFigures Total, IReadOnlyList<SourceRow> Groups, IReadOnlyList<WithoutRate> WithoutRate);

/// <summary>MQL quality per source (or per another grouping): docs/reports.md, "Sources".</summary>
public sealed class GetSources(LeadgateDbContext db, TimeProvider clock, GetFunnel funnel)
{
    public async Task<Result<SourceReport>> HandleAsync(ReportQuery query, Actor actor, CancellationToken cancellationToken)
    {
        var started = await ReportReading.StartAsync(db, query with { By = string.IsNullOrWhiteSpace(query.By) ? "source" : query.By }, actor, clock.GetUtcNow(), cancellationToken);
        if (started.Error is { } error)
        {
            return error;
        }

        var reading = started.Value;
        var filter = reading.Filter;
        var counts = await funnel.CountAsync(filter, actor.OrganisationId, cancellationToken, entriesAndExits: false);
        var (currency, rates) = await GetExchangeRates.RatesAsync(db, actor.OrganisationId, cancellationToken);
        Task<List<(string? Key, (string Currency, long Deals, decimal Value) Row)>> ReadAsync(ReportReading from) => from.ReadAsync(
            sql => WonSql(from, sql),
            r => (ReportSql.KeyOf(r.GetValue(0)), (r.GetString(1), ReportReading.Long(r, 2), ReportReading.Decimal(r, 3))),
            cancellationToken);
        var won = await ReadAsync(reading);
        var wonTotal = await ReadAsync(reading.Ungrouped());

        SourceFigures Figures(IReadOnlyList<FunnelStage> stages, IEnumerable<(string Currency, long Deals, decimal Value)> deals)
        {
            var rated = deals.Where(d => rates.ContainsKey(d.Currency)).ToList();
            var (leads, mqls, sqls, customers) = (stages[0].Reached, stages[1].Reached, stages[2].Reached, stages[4].Reached);
            return new SourceFigures(
                leads, mqls, sqls, customers, rated.Sum(d => d.Deals), decimal.Round(rated.Sum(d => d.Value * rates[d.Currency]), 2),
                Ratio.Of(mqls, leads), Ratio.Of(sqls, mqls), Ratio.Of(customers, sqls));
        }

        var groups = (counts.Groups ?? []).Select(g => new SourceRow(g.Key, g.Label, Figures(g.Stages, won.Where(w => w.Key == g.Key).Select(w => w.Row)))).ToList();
        foreach (var extra in (await reading.GroupsAsync(won, cancellationToken)).Where(w => groups.All(g => g.Key != w.Key)))
        {
            groups.Add(new SourceRow(extra.Key, extra.Label, Figures(counts.Stages.Select(s => s with { Reached = 0 }).ToList(), extra.Rows)));
        }

        var withoutRate = wonTotal.Select(w => w.Row).Where(w => !rates.ContainsKey(w.Currency)).GroupBy(w => w.Currency)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new WithoutRate(g.Key, (int)g.Sum(w => w.Deals), g.Sum(w => w.Value))).ToList();
        return new SourceReport(
            counts.View, counts.RatioKind, currency, filter.From, filter.To, filter.IncludeImported, reading.By!,
            Figures(counts.Stages, wonTotal.Select(w => w.Row)),
            [.. groups.OrderBy(g => g.Key is null).ThenBy(g => g.Label, StringComparer.OrdinalIgnoreCase).ThenBy(g => g.Key, StringComparer.Ordinal)],
            withoutRate);
    }

    /// <summary>The deals won in the period (close date in [from, to)), per group and currency: how many and their won amount.</summary>
    private static string WonSql(ReportReading reading, ReportSql sql)
    {
        var filter = reading.Filter;
        sql.Add("@fromDay", filter.From);
        sql.Add("@toDay", filter.To);
        var text = new StringBuilder("SELECT ").Append(ReportSql.GroupKeyOf(filter.By)).Append(" AS group_key, d.\"Currency\", COUNT(*), SUM(")
            .Append(reading.Number("COALESCE(d.\"WonAmount\", d.\"Value\")")).Append(')');
        text.Append(" FROM \"Deals\" d").Append(ReportSql.ReadsLead(filter) ? " JOIN \"Leads\" l ON l.\"Id\" = d.\"LeadId\"" + sql.TeamJoin(filter.By) : "");
        text.Append(CultureInfo.InvariantCulture, $" WHERE d.\"OrganisationId\" = @org AND d.\"Status\" = '{DealStatus.Won}' AND d.\"ClosedOn\" >= @fromDay AND d.\"ClosedOn\" < @toDay");
        text.Append(sql.LeadFilters(filter)).Append(" GROUP BY ").Append(filter.By is null ? "" : ReportSql.GroupKeyOf(filter.By) + ", ").Append("d.\"Currency\"");
        return text.ToString();
    }
}
