using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Pipeline;

namespace Leadgate.Reports;

/// <summary>
/// The deals closed in the period: won, lost, the win rate (won of won + lost), the value won and the average won deal in the
/// organisation's currency, and the average sales cycle (whole days from the day a won deal opened to its close date).
/// </summary>
public sealed record WinRateFigures(long Won, long Lost, Ratio WinRate, decimal WonValue, decimal? AverageDealValue, decimal? AverageCycleDays);

public sealed record WinRateGroup(string? Key, string Label, WinRateFigures Figures);

public sealed record WinRateReport(
    string Currency, DateOnly From, DateOnly To, string? By, WinRateFigures Total, IReadOnlyList<WinRateGroup>? Groups, IReadOnlyList<WithoutRate> WithoutRate);

/// <summary>Win rate, average deal value and sales cycle (docs/reports.md, "Win rate").</summary>
public sealed class GetWinRate(LeadgateDbContext db, TimeProvider clock)
{
    private sealed record Row(string Currency, long Won, long Lost, decimal WonValue, decimal CycleDays);

    public async Task<Result<WinRateReport>> HandleAsync(ReportQuery query, Actor actor, CancellationToken cancellationToken)
    {
        var started = await ReportReading.StartAsync(db, query, actor, clock.GetUtcNow(), cancellationToken);
        if (started.Error is { } error)
        {
            return error;
        }

        var reading = started.Value;
        var filter = reading.Filter;
        var (currency, rates) = await GetExchangeRates.RatesAsync(db, actor.OrganisationId, cancellationToken);
        Task<List<(string? Key, Row Row)>> ReadAsync(ReportReading from) => from.ReadAsync(
            sql => Sql(from, sql),
            r => (ReportSql.KeyOf(r.GetValue(0)), new Row(r.GetString(1), ReportReading.Long(r, 2), ReportReading.Long(r, 3), ReportReading.Decimal(r, 4), ReportReading.Decimal(r, 5))),
            cancellationToken);

        WinRateFigures Figures(IEnumerable<Row> rows)
        {
            var list = rows.ToList();
            var (won, lost) = (list.Sum(r => r.Won), list.Sum(r => r.Lost));
            var rated = list.Where(r => rates.ContainsKey(r.Currency)).ToList();
            var wonRated = rated.Sum(r => r.Won);
            var value = decimal.Round(rated.Sum(r => r.WonValue * rates[r.Currency]), 2);
            return new WinRateFigures(
                won, lost, Ratio.Of(won, won + lost), value, wonRated == 0 ? null : decimal.Round(value / wonRated, 2),
                won == 0 ? null : decimal.Round(list.Sum(r => r.CycleDays) / won, 2));
        }

        var total = await ReadAsync(reading.Ungrouped());
        IReadOnlyList<WinRateGroup>? groups = null;
        if (filter.By is not null)
        {
            groups = [.. (await reading.GroupsAsync(await ReadAsync(reading), cancellationToken)).Select(g => new WinRateGroup(g.Key, g.Label, Figures(g.Rows)))];
        }

        var withoutRate = total.Select(t => t.Row).Where(r => !rates.ContainsKey(r.Currency) && r.Won > 0).GroupBy(r => r.Currency)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new WithoutRate(g.Key, (int)g.Sum(r => r.Won), g.Sum(r => r.WonValue))).ToList();
        return new WinRateReport(currency, filter.From, filter.To, reading.By, Figures(total.Select(t => t.Row)), groups, withoutRate);
    }

    /// <summary>The deals won or lost with a close date in [from, to), per group and currency.</summary>
    private static string Sql(ReportReading reading, ReportSql sql)
    {
        var filter = reading.Filter;
        sql.Add("@fromDay", filter.From);
        sql.Add("@toDay", filter.To);
        var won = $"d.\"Status\" = '{DealStatus.Won}'";
        var key = ReportSql.GroupKeyOf(filter.By);
        var text = new StringBuilder("SELECT ").Append(key).Append(" AS group_key, d.\"Currency\",");
        text.Append(CultureInfo.InvariantCulture, $" SUM(CASE WHEN {won} THEN 1 ELSE 0 END), SUM(CASE WHEN d.\"Status\" = '{DealStatus.Lost}' THEN 1 ELSE 0 END),");
        text.Append(CultureInfo.InvariantCulture, $" SUM(CASE WHEN {won} THEN {reading.Number("COALESCE(d.\"WonAmount\", d.\"Value\")")} ELSE 0 END),");
        text.Append(CultureInfo.InvariantCulture, $" SUM(CASE WHEN {won} THEN {reading.WholeDaysFromTimeToDate("d.\"CreatedAt\"", "d.\"ClosedOn\"")} ELSE 0 END)");
        text.Append(" FROM \"Deals\" d").Append(ReportSql.ReadsLead(filter) ? " JOIN \"Leads\" l ON l.\"Id\" = d.\"LeadId\"" + sql.TeamJoin(filter.By) : "");
        text.Append(CultureInfo.InvariantCulture, $" WHERE d.\"OrganisationId\" = @org AND d.\"Status\" IN ('{DealStatus.Won}', '{DealStatus.Lost}') AND d.\"ClosedOn\" >= @fromDay AND d.\"ClosedOn\" < @toDay");
        text.Append(sql.LeadFilters(filter)).Append(" GROUP BY ").Append(filter.By is null ? "" : ReportSql.GroupKeyOf(filter.By) + ", ").Append("d.\"Currency\"");
        return text.ToString();
    }
}
