using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Pipeline;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Reports;

/// <summary>Open deals (and won ones, as Closed) of one close month and forecast category, in the organisation's currency.</summary>
public sealed record WeightedRow(string Month, ForecastCategory Category, int Deals, decimal Value, decimal WeightedValue);

public sealed record RollupFigures(int Deals, decimal Value, decimal WeightedValue);

/// <summary>Commit = Commit + Closed; best case = BestCase + Commit + Closed; pipeline = every open deal of the month.</summary>
public sealed record Rollup(string Month, RollupFigures Commit, RollupFigures BestCase, RollupFigures Pipeline);

public sealed record WithoutRate(string Currency, int Deals, decimal Value);

/// <summary>A past month: the weighted forecast made at its start from the history as it was then, and what was won in it.</summary>
public sealed record BacktestMonth(string Month, decimal Forecast, decimal Actual);

public sealed record Backtest(IReadOnlyList<BacktestMonth> Months, decimal? Mape, decimal? Wape, decimal? Bias);

/// <summary>
/// One month of the run-rate forecast (docs/reports.md, "Run rate"): new customers and revenue expected from the MQLs still to
/// come (the inflow) and from the deals open now, and their sums.
/// </summary>
public sealed record RunRateMonth(
    string Month, decimal CustomersFromInflow, decimal RevenueFromInflow, decimal CustomersFromOpenDeals, decimal RevenueFromOpenDeals,
    decimal Customers, decimal Revenue);

/// <summary>Of the MQLs of the measured cohorts whose lag month has passed, those that first reached Customer that many calendar months after their MQL month.</summary>
public sealed record LagConversion(int LagMonths, Ratio Conversion);

/// <summary>Of the deals closed in the measured months that were ever open in a pipeline stage, those won; and the deals open in it now.</summary>
public sealed record StageWinRate(Guid? StageId, string Stage, Ratio WinRate, int OpenDeals, decimal OpenValue);

/// <summary>What the run rate is computed from, each measured over the whole months before the current one.</summary>
public sealed record RunRateInputs(
    int InflowMonths, long Mqls, decimal MqlsPerMonth, int ConversionMonths, IReadOnlyList<LagConversion> ConversionByLag,
    long WonDeals, decimal? AverageDealValue, IReadOnlyList<StageWinRate> WinRateByStage);

public sealed record RunRate(IReadOnlyList<RunRateMonth> Months, RunRateInputs Inputs);

public sealed record ForecastReport(
    string Currency, DateOnly From, DateOnly To, IReadOnlyList<WeightedRow> Weighted, IReadOnlyList<Rollup> Rollups,
    IReadOnlyList<WithoutRate> WithoutRate, RunRate RunRate, Backtest Backtest);

/// <summary>The forecast of docs/reports.md: the weighted pipeline by close month and category, its roll-ups, and its back-test.</summary>
public sealed class GetForecast(LeadgateDbContext db, TimeProvider clock)
{
    /// <summary>How many whole months before the current one the back-test covers.</summary>
    public const int BacktestMonths = 6;

    /// <summary>The run rate: months ahead (the current one first), months of MQL inflow averaged, months of cohorts measured.</summary>
    public const int RunRateMonths = 6;

    public const int InflowMonths = 6;

    public const int MeasuredMonths = 12;

    private sealed record ChangeRow(Guid DealId, DateTimeOffset At, DealStatus Status, decimal Value, string Currency, DateOnly ExpectedCloseDate, int Probability);

    public async Task<Result<ForecastReport>> HandleAsync(ReportQuery query, Actor actor, CancellationToken cancellationToken)
    {
        if (ReportFilter.Refused(actor) is { } refused)
        {
            return refused;
        }

        var now = clock.GetUtcNow();
        var parsed = await ReportFilter.ParseAsync(query, db, actor.OrganisationId, now, cancellationToken, defaultMonthsAhead: 6);
        if (parsed.Error is { } invalid)
        {
            return invalid;
        }

        var filter = parsed.Value;
        var organisationId = actor.OrganisationId;
        var (currency, rates) = await GetExchangeRates.RatesAsync(db, organisationId, cancellationToken);
        var reading = new ReportReading(db, filter with { By = null }, organisationId, []);

        var months = new List<DateOnly>();
        for (var month = new DateOnly(filter.From.Year, filter.From.Month, 1); month < filter.To; month = month.AddMonths(1))
        {
            months.Add(month);
        }

        // The open deals expected to close in the period and the deals won in it, summed per day, category and currency in SQL.
        var lines = await reading.ReadAsync(
            sql => LinesSql(reading, sql),
            r => (Month: ReportFilter.MonthOf(Day(r.GetValue(0))), Category: Enum.Parse<ForecastCategory>(r.GetString(1)), Currency: r.GetString(2),
                Deals: (int)ReportReading.Long(r, 3), Value: ReportReading.Decimal(r, 4), Weighted: ReportReading.Decimal(r, 5) / 100m),
            cancellationToken);
        var weighted = lines.Where(l => rates.ContainsKey(l.Currency))
            .GroupBy(l => (l.Month, l.Category))
            .OrderBy(g => g.Key.Month, StringComparer.Ordinal).ThenBy(g => g.Key.Category)
            .Select(g => new WeightedRow(g.Key.Month, g.Key.Category, g.Sum(l => l.Deals), g.Sum(l => l.Value * rates[l.Currency]), g.Sum(l => l.Weighted * rates[l.Currency])))
            .ToList();
        var rollups = months.Select(ReportFilter.MonthOf).Select(month =>
        {
            var inMonth = weighted.Where(w => w.Month == month).ToList();
            RollupFigures Sum(Func<WeightedRow, bool> which) =>
                new(inMonth.Where(which).Sum(w => w.Deals), inMonth.Where(which).Sum(w => w.Value), inMonth.Where(which).Sum(w => w.WeightedValue));
            return new Rollup(
                month,
                Sum(w => w.Category is ForecastCategory.Commit or ForecastCategory.Closed),
                Sum(w => w.Category is ForecastCategory.BestCase or ForecastCategory.Commit or ForecastCategory.Closed),
                Sum(w => w.Category != ForecastCategory.Closed));
        }).ToList();
        var withoutRate = lines.Where(l => !rates.ContainsKey(l.Currency))
            .GroupBy(l => l.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new WithoutRate(g.Key, g.Sum(l => l.Deals), g.Sum(l => l.Value)))
            .ToList();

        var runRate = await RunRateAsync(filter, rates, now, organisationId, cancellationToken);
        var backtest = await BacktestAsync(filter, rates, now, organisationId, cancellationToken);
        return new ForecastReport(currency, filter.From, filter.To, weighted, rollups, withoutRate, runRate, backtest);
    }

    /// <summary>
    /// The deals of the forecast's filters (<see cref="DealsFrom"/>): the open ones expected to close in [from, to) at their value
    /// and probability (the rep's, else the stage's) by category, and the won ones closed in it as Closed at their won amount and 100%;
    /// per close day, category and currency: how many, Σ value and Σ value × probability.
    /// </summary>
    private static string LinesSql(ReportReading reading, ReportSql sql)
    {
        var filter = reading.Filter;
        sql.Add("@fromDay", filter.From);
        sql.Add("@toDay", filter.To);
        var won = $"d.\"Status\" = '{DealStatus.Won}'";
        var day = $"CASE WHEN {won} THEN d.\"ClosedOn\" ELSE d.\"ExpectedCloseDate\" END";
        var category = $"CASE WHEN {won} THEN '{ForecastCategory.Closed}' ELSE COALESCE(d.\"RepForecastCategory\", d.\"StageForecastCategory\") END";
        var value = reading.Number($"CASE WHEN {won} THEN COALESCE(d.\"WonAmount\", d.\"Value\") ELSE d.\"Value\" END");
        var probability = $"CASE WHEN {won} THEN 100 ELSE COALESCE(d.\"RepProbability\", d.\"StageProbability\") END";
        return $"SELECT {day}, {category}, d.\"Currency\", COUNT(*), SUM({value}), SUM({value} * {probability})" + DealsFrom(sql, filter)
            + $" AND ((d.\"Status\" = '{DealStatus.Open}' AND d.\"ExpectedCloseDate\" >= @fromDay AND d.\"ExpectedCloseDate\" < @toDay) OR ({won} AND d.\"ClosedOn\" >= @fromDay AND d.\"ClosedOn\" < @toDay))"
            + $" GROUP BY {day}, {category}, d.\"Currency\"";
    }

    /// <summary>The organisation's deals (alias d), the report's filters applied (the lead, alias l, joined for those that read it): owner and team by the deal's owner, pipeline by the deal's.</summary>
    private static string DealsFrom(ReportSql sql, ReportFilter filter) =>
        " FROM \"Deals\" d" + LeadOfDeal(filter) + " WHERE d.\"OrganisationId\" = @org" + sql.LeadFilters(filter, ownerOf: "d");

    /// <summary>
    /// The deal's lead (alias l), joined only when a filter reads it (source, campaign, fit tier): owner, team and pipeline are
    /// the deal's own, and the forecast is not grouped.
    /// </summary>
    private static string LeadOfDeal(ReportFilter filter) =>
        filter.Source is not null || filter.Campaign is not null || filter.FitTier is not null ? " JOIN \"Leads\" l ON l.\"Id\" = d.\"LeadId\"" : "";

    /// <summary>A stored date as read: text (yyyy-MM-dd) on SQLite, a date on PostgreSQL.</summary>
    private static DateOnly Day(object value) => value switch
    {
        string text => DateOnly.ParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        DateOnly day => day,
        DateTime at => DateOnly.FromDateTime(at),
        _ => throw new InvalidOperationException($"A stored date of type {value.GetType().Name}."),
    };

    /// <summary>
    /// The run rate: for each of the next <see cref="RunRateMonths"/> months, the MQLs expected to arrive (the average inflow of
    /// the last <see cref="InflowMonths"/> whole months) × the conversion to Customer measured by lag × the average won deal, plus
    /// each open deal × the win rate measured for its stage, in the month it is expected to close (an overdue one in this month).
    /// </summary>
    private async Task<RunRate> RunRateAsync(
        ReportFilter filter, IReadOnlyDictionary<string, decimal> rates, DateTimeOffset now, Guid organisationId, CancellationToken cancellationToken)
    {
        var thisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        var measuredFrom = thisMonth.AddMonths(-MeasuredMonths);
        static int MonthIndex(DateOnly day) => (day.Year * 12) + day.Month - 1;
        static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

        // Per lead whose first entry into MQL lies in the measured months: that entry and its first reach of Customer.
        var reading = new ReportReading(db, filter with { From = measuredFrom, To = thisMonth, By = null, View = ReportView.Period }, organisationId, []);
        var mqls = await reading.ReadAsync(
            sql => reading.FirstEntries(sql) + " SELECT p.e1, p.r4 FROM leads_in p WHERE p.e1 >= @from AND p.e1 < @to",
            r => (Mql: DayOf(ReportReading.Stored(r, 0)!.Value), Customer: ReportReading.Stored(r, 1) is { } at ? DayOf(at) : (DateOnly?)null),
            cancellationToken);
        var inflowFrom = thisMonth.AddMonths(-InflowMonths);
        var inflow = mqls.LongCount(m => m.Mql >= inflowFrom);
        var perMonth = decimal.Round((decimal)inflow / InflowMonths, 4);
        var lags = Enumerable.Range(0, RunRateMonths).Select(lag =>
        {
            var complete = mqls.Where(m => MonthIndex(m.Mql) + lag < MonthIndex(thisMonth)).ToList();
            var converted = complete.LongCount(m => m.Customer is { } customer && customer >= m.Mql && MonthIndex(customer) - MonthIndex(m.Mql) == lag);
            return new LagConversion(lag, Ratio.Of(converted, complete.Count));
        }).ToList();

        // The deals won in the measured months, per currency; the average won deal over those with a rate.
        var deals = new ReportReading(db, filter with { From = measuredFrom, To = thisMonth, By = null }, organisationId, []);
        var won = (await deals.ReadAsync(
                sql =>
                {
                    sql.Add("@fromDay", measuredFrom);
                    sql.Add("@toDay", thisMonth);
                    return $"SELECT d.\"Currency\", COUNT(*), SUM({deals.Number("COALESCE(d.\"WonAmount\", d.\"Value\")")})" + DealsFrom(sql, filter)
                        + $" AND d.\"Status\" = '{DealStatus.Won}' AND d.\"ClosedOn\" >= @fromDay AND d.\"ClosedOn\" < @toDay GROUP BY d.\"Currency\"";
                },
                r => (Currency: r.GetString(0), Deals: ReportReading.Long(r, 1), Value: ReportReading.Decimal(r, 2)),
                cancellationToken))
            .Where(w => rates.ContainsKey(w.Currency)).ToList();
        var wonDeals = won.Sum(w => w.Deals);
        decimal? averageDeal = wonDeals == 0 ? null : decimal.Round(won.Sum(w => w.Value * rates[w.Currency]) / wonDeals, 2);

        // Per stage: the closed deals of the measured months that were ever open in it (their history), and of those the won ones.
        var passed = (await deals.ReadAsync(
                sql =>
                {
                    sql.Add("@fromDay", measuredFrom);
                    sql.Add("@toDay", thisMonth);
                    return $"SELECT p.\"StageId\", COUNT(*), SUM(CASE WHEN d.\"Status\" = '{DealStatus.Won}' THEN 1 ELSE 0 END)"
                        + $" FROM (SELECT DISTINCT c.\"DealId\", c.\"StageId\" FROM \"DealChanges\" c WHERE c.\"OrganisationId\" = @org AND c.\"Status\" = '{DealStatus.Open}' AND c.\"StageId\" IS NOT NULL) p"
                        + " JOIN \"Deals\" d ON d.\"Id\" = p.\"DealId\"" + LeadOfDeal(filter) + " WHERE d.\"OrganisationId\" = @org" + sql.LeadFilters(filter, ownerOf: "d")
                        + $" AND d.\"Status\" IN ('{DealStatus.Won}', '{DealStatus.Lost}') AND d.\"ClosedOn\" >= @fromDay AND d.\"ClosedOn\" < @toDay GROUP BY p.\"StageId\"";
                },
                r => (StageId: Guid.Parse(ReportSql.KeyOf(r.GetValue(0))!), Closed: ReportReading.Long(r, 1), Won: ReportReading.Long(r, 2)),
                cancellationToken))
            .ToDictionary(p => p.StageId);

        // The deals open now, per expected close day, stage and currency.
        var open = (await deals.ReadAsync(
                sql => $"SELECT d.\"ExpectedCloseDate\", d.\"StageId\", d.\"Currency\", COUNT(*), SUM({deals.Number("d.\"Value\"")})" + DealsFrom(sql, filter)
                    + $" AND d.\"Status\" = '{DealStatus.Open}' GROUP BY d.\"ExpectedCloseDate\", d.\"StageId\", d.\"Currency\"",
                r => (Closes: Day(r.GetValue(0)), StageId: r.IsDBNull(1) ? (Guid?)null : Guid.Parse(ReportSql.KeyOf(r.GetValue(1))!), Currency: r.GetString(2),
                    Deals: (int)ReportReading.Long(r, 3), Value: ReportReading.Decimal(r, 4)),
                cancellationToken))
            .Where(o => rates.ContainsKey(o.Currency)).ToList();
        var stageNames = (await db.PipelineStages.AsNoTracking()
                .Join(db.Pipelines.Where(p => p.OrganisationId == organisationId), s => s.PipelineId, p => p.Id, (s, p) => new { s.Id, s.Name, s.Position, Pipeline = p.Name, PipelineId = p.Id })
                .ToListAsync(cancellationToken))
            .OrderBy(s => s.Pipeline, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.PipelineId).ThenBy(s => s.Position).ToList();
        var winRates = stageNames.Select(s =>
        {
            var ever = passed.GetValueOrDefault(s.Id);
            var inStage = open.Where(d => d.StageId == s.Id).ToList();
            return new StageWinRate(
                s.Id, $"{s.Pipeline} / {s.Name}", Ratio.Of(ever.Won, ever.Closed),
                inStage.Sum(d => d.Deals), decimal.Round(inStage.Sum(d => d.Value * rates[d.Currency]), 2));
        }).Where(w => w.WinRate.Denominator > 0 || w.OpenDeals > 0).ToList();
        var rateOf = winRates.ToDictionary(w => w.StageId!.Value, w => w.WinRate.Rate ?? 0m);

        var months = Enumerable.Range(0, RunRateMonths).Select(i =>
        {
            var month = thisMonth.AddMonths(i);
            var customers = Enumerable.Range(0, i + 1).Sum(arrived => perMonth * (lags[i - arrived].Conversion.Rate ?? 0m));
            var closing = open.Where(d => MonthIndex(d.Closes < thisMonth ? thisMonth : d.Closes) == MonthIndex(month)).ToList();
            decimal RateOf(Guid? stage) => stage is { } id ? rateOf.GetValueOrDefault(id) : 0m;
            var fromDeals = closing.Sum(d => d.Deals * RateOf(d.StageId));
            var dealRevenue = closing.Sum(d => d.Value * rates[d.Currency] * RateOf(d.StageId));
            var inflowRevenue = customers * (averageDeal ?? 0m);
            return new RunRateMonth(
                ReportFilter.MonthOf(month), decimal.Round(customers, 2), decimal.Round(inflowRevenue, 2), decimal.Round(fromDeals, 2),
                decimal.Round(dealRevenue, 2), decimal.Round(customers + fromDeals, 2), decimal.Round(inflowRevenue + dealRevenue, 2));
        }).ToList();
        return new RunRate(months, new RunRateInputs(InflowMonths, inflow, perMonth, MeasuredMonths, lags, wonDeals, averageDeal, winRates));
    }

    /// <summary>
    /// Each past month's forecast from the history rows before its start, against the deals whose history turned Won in it. The
    /// history of the deals the filters count is streamed deal by deal in the order it was written (by time; rows of the same
    /// moment in the order they were appended — rowid on SQLite, ctid on PostgreSQL, the table being append-only), so only one
    /// deal's history is held at a time.
    /// </summary>
    private async Task<Backtest> BacktestAsync(
        ReportFilter filter, IReadOnlyDictionary<string, decimal> rates, DateTimeOffset now, Guid organisationId, CancellationToken cancellationToken)
    {
        var thisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        var first = thisMonth.AddMonths(-BacktestMonths);
        var end = Moment(thisMonth);
        var starts = Enumerable.Range(0, BacktestMonths + 1).Select(i => first.AddMonths(i)).ToList();
        var forecast = new decimal[BacktestMonths];
        var actual = new decimal[BacktestMonths];
        var history = new List<ChangeRow>();
        decimal? wonAmount = null;

        void Flush()
        {
            if (history.Count == 0)
            {
                return;
            }

            for (var i = 0; i < BacktestMonths; i++)
            {
                var (month, start, next) = (starts[i], Moment(starts[i]), Moment(starts[i + 1]));
                var then = history.LastOrDefault(c => c.At < start);
                if (then is { Status: DealStatus.Open } && then.ExpectedCloseDate >= month && then.ExpectedCloseDate < starts[i + 1]
                    && rates.TryGetValue(then.Currency, out var rate))
                {
                    forecast[i] += then.Value * rate * then.Probability / 100m;
                }

                var won = history.FirstOrDefault(c => c.Status == DealStatus.Won);
                if (won is not null && won.At >= start && won.At < next && rates.TryGetValue(won.Currency, out var wonRate))
                {
                    actual[i] += (wonAmount ?? won.Value) * wonRate;
                }
            }

            history.Clear();
        }

        var reading = new ReportReading(db, filter with { By = null }, organisationId, []);
        await reading.EachAsync(
            sql =>
            {
                sql.Add("@end", GetFunnel.Time(end, reading.Sqlite));
                return "SELECT c.\"DealId\", c.\"At\", c.\"Status\", c.\"Value\", c.\"Currency\", c.\"ExpectedCloseDate\", c.\"Probability\", d.\"WonAmount\""
                    + " FROM \"DealChanges\" c JOIN \"Deals\" d ON d.\"Id\" = c.\"DealId\"" + LeadOfDeal(filter)
                    + " WHERE c.\"OrganisationId\" = @org AND d.\"OrganisationId\" = @org AND c.\"At\" < @end" + sql.LeadFilters(filter, ownerOf: "d")
                    + $" ORDER BY c.\"DealId\", c.\"At\", {(reading.Sqlite ? "c.rowid" : "c.ctid")}";
            },
            r =>
            {
                var change = new ChangeRow(
                    Guid.Parse(ReportSql.KeyOf(r.GetValue(0))!), ReportReading.Stored(r, 1)!.Value, Enum.Parse<DealStatus>(r.GetString(2)), ReportReading.Decimal(r, 3),
                    r.GetString(4), Day(r.GetValue(5)), (int)ReportReading.Long(r, 6));
                if (history.Count > 0 && history[0].DealId != change.DealId)
                {
                    Flush();
                }

                wonAmount = r.IsDBNull(7) ? null : ReportReading.Decimal(r, 7);
                history.Add(change);
            },
            cancellationToken);
        Flush();

        var months = Enumerable.Range(0, BacktestMonths)
            .Select(i => new BacktestMonth(ReportFilter.MonthOf(starts[i]), decimal.Round(forecast[i], 2), decimal.Round(actual[i], 2)))
            .ToList();
        var totalActual = months.Sum(m => m.Actual);
        var withActual = months.Where(m => m.Actual != 0).ToList();
        decimal? mape = withActual.Count == 0 ? null : decimal.Round(withActual.Average(m => Math.Abs(m.Forecast - m.Actual) / m.Actual), 4);
        decimal? wape = totalActual == 0 ? null : decimal.Round(months.Sum(m => Math.Abs(m.Forecast - m.Actual)) / totalActual, 4);
        decimal? bias = totalActual == 0 ? null : decimal.Round(months.Sum(m => m.Forecast - m.Actual) / totalActual, 4);
        return new Backtest(months, mape, wape, bias);
    }

    private static DateTimeOffset Moment(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
