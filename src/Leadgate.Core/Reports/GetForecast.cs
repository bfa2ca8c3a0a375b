using System.Globalization;
using System.Text;
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

        var stages = (await db.PipelineStages.AsNoTracking()
                .Join(db.Pipelines.Where(p => p.OrganisationId == organisationId), s => s.PipelineId, p => p.Id, (s, p) => new { s.Id, s.Name, s.Position, Pipeline = p.Name, PipelineId = p.Id })
                .ToListAsync(cancellationToken))
            .OrderBy(s => s.Pipeline, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.PipelineId).ThenBy(s => s.Position)
            .Select(s => (s.Id, Name: $"{s.Pipeline} / {s.Name}")).ToList();
        var history = await ReadHistoryAsync(filter, rates, now, organisationId, [.. stages.Select(s => s.Id)], cancellationToken);
        var runRate = await RunRateAsync(filter, rates, now, organisationId, stages, history.Passed, cancellationToken);
        return new ForecastReport(currency, filter.From, filter.To, weighted, rollups, withoutRate, runRate, history.Backtest);
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
        ReportFilter filter, IReadOnlyDictionary<string, decimal> rates, DateTimeOffset now, Guid organisationId,
        IReadOnlyList<(Guid Id, string Name)> stages, IReadOnlyDictionary<Guid, (long Closed, long Won)> passed, CancellationToken cancellationToken)
    {
        var thisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        var measuredFrom = thisMonth.AddMonths(-MeasuredMonths);
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

        // The deals open now, per expected close day, stage and currency.
        var open = (await deals.ReadAsync(
                sql => $"SELECT d.\"ExpectedCloseDate\", d.\"StageId\", d.\"Currency\", COUNT(*), SUM({deals.Number("d.\"Value\"")})" + DealsFrom(sql, filter)
                    + $" AND d.\"Status\" = '{DealStatus.Open}' GROUP BY d.\"ExpectedCloseDate\", d.\"StageId\", d.\"Currency\"",
                r => (Closes: Day(r.GetValue(0)), StageId: r.IsDBNull(1) ? (Guid?)null : Guid.Parse(ReportSql.KeyOf(r.GetValue(1))!), Currency: r.GetString(2),
                    Deals: (int)ReportReading.Long(r, 3), Value: ReportReading.Decimal(r, 4)),
                cancellationToken))
            .Where(o => rates.ContainsKey(o.Currency)).ToList();
        var winRates = stages.Select(s =>
        {
            var ever = passed.GetValueOrDefault(s.Id);
            var inStage = open.Where(d => d.StageId == s.Id).ToList();
            return new StageWinRate(
                s.Id, s.Name, Ratio.Of(ever.Won, ever.Closed),
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

    /// <summary>What one pass over the deal history gives: the back-test, and per pipeline stage the closed deals of the measured months ever open in it.</summary>
    private sealed record History(Backtest Backtest, IReadOnlyDictionary<Guid, (long Closed, long Won)> Passed);

    /// <summary>
    /// One history row as the back-test needs it: its deal (an index), when, its place in the order rows were written, what it
    /// was (open, won, other), and for an open row its close month and value × rate × probability, for a won one its value and
    /// currency (an index). 40 bytes: the history of a million leads' deals is held in about 17 MB.
    /// </summary>
    private readonly record struct HistoryRow(int Deal, int Written, long At, decimal Amount, int CloseMonth, byte Kind, short Currency)
    {
        public const byte Open = 0;
        public const byte Won = 1;
        public const byte Closed = 2;
    }

    /// <summary>
    /// One read of the deal history of the deals the filters count, in the order it was written (rowid on SQLite, ctid on
    /// PostgreSQL: the table is append-only) — the table's own order, where a read deal by deal or by time visited it at random.
    /// The rows before this month are kept compact and sorted by deal, time and that order; then each deal's last row before
    /// the start of a back-test month is its state then (counted when it was open and expected to close in that month), and its
    /// first row turned Won is its actual. Every row, whenever written, notes the stages the deal was open in, for the win rate by
    /// stage (<see cref="RunRateAsync"/>).
    /// </summary>
    private async Task<History> ReadHistoryAsync(
        ReportFilter filter, IReadOnlyDictionary<string, decimal> rates, DateTimeOffset now, Guid organisationId, IReadOnlyList<Guid> stages,
        CancellationToken cancellationToken)
    {
        var thisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        var first = thisMonth.AddMonths(-BacktestMonths);
        var starts = Enumerable.Range(0, BacktestMonths + 1).Select(i => Moment(first.AddMonths(i)).UtcTicks).ToArray();
        var end = starts[BacktestMonths];
        var closeMonths = Enumerable.Range(0, BacktestMonths).Select(i => MonthIndex(first.AddMonths(i))).ToArray();
        var stageIndex = stages.Select((id, i) => (id, i)).ToDictionary(s => s.id, s => s.i);
        var words = (stages.Count + 63) / 64;
        var deals = new Dictionary<Guid, int>();
        var openIn = new List<ulong[]?>();
        var currencies = new List<string>();
        var rows = new List<HistoryRow>();

        var reading = new ReportReading(db, filter with { By = null }, organisationId, []);
        var joinsDeal = ReportSql.ReadsLead(reading.Filter); // the ungrouped filter: only a filter on the deal or its lead
        await reading.EachAsync(
            sql =>
            {
                // What each row is (0 open, 1 won, 2 other), the stage it is open in (an index into stages, -1 for none) and
                // its close month, worked out by the database: a value read is what costs here.
                var stageCase = new StringBuilder("CASE");
                for (var i = 0; i < stages.Count; i++)
                {
                    sql.Add($"@stage{i}", GetFunnel.Key(stages[i], reading.Sqlite));
                    stageCase.Append(CultureInfo.InvariantCulture, $" WHEN c.\"StageId\" = @stage{i} THEN {i}");
                }

                stageCase.Append(" ELSE -1 END");
                sql.Add("@end", GetFunnel.Time(Moment(thisMonth), reading.Sqlite));
                var kind = $"CASE c.\"Status\" WHEN '{DealStatus.Open}' THEN {HistoryRow.Open} WHEN '{DealStatus.Won}' THEN {HistoryRow.Won} ELSE {HistoryRow.Closed} END";
                return $"SELECT c.\"DealId\", c.\"At\", {kind}, {(stages.Count == 0 ? "-1" : stageCase.ToString())}, {reading.MonthIndex("c.\"ExpectedCloseDate\"")},"
                    + " c.\"Value\", c.\"Currency\", c.\"Probability\""
                    + " FROM \"DealChanges\" c" + (reading.Sqlite ? " NOT INDEXED" : "")
                    + (joinsDeal ? " JOIN \"Deals\" d ON d.\"Id\" = c.\"DealId\"" + LeadOfDeal(filter) : "")
                    + $" WHERE c.\"OrganisationId\" = @org AND (c.\"At\" < @end OR c.\"Status\" = '{DealStatus.Open}')"
                    + (joinsDeal ? " AND d.\"OrganisationId\" = @org" + sql.LeadFilters(filter, ownerOf: "d") : "")
                    + $" ORDER BY {(reading.Sqlite ? "c.rowid" : "c.ctid")}";
            },
            r =>
            {
                var dealId = Key(r.GetValue(0));
                if (!deals.TryGetValue(dealId, out var deal))
                {
                    deals[dealId] = deal = deals.Count;
                    openIn.Add(null);
                }

                var kind = (byte)r.GetInt32(2);
                if (kind == HistoryRow.Open && r.GetInt32(3) is >= 0 and var stage)
                {
                    var seen = openIn[deal] ??= new ulong[words];
                    seen[stage / 64] |= 1UL << (stage % 64);
                }

                var at = reading.Sqlite ? r.GetInt64(1) : ReportReading.Stored(r, 1)!.Value.UtcTicks;
                if (at >= end)
                {
                    return;
                }

                if (kind == HistoryRow.Open)
                {
                    var weighted = rates.TryGetValue(r.GetString(6), out var rate) ? r.GetDecimal(5) * rate * r.GetInt32(7) / 100m : 0m;
                    rows.Add(new HistoryRow(deal, rows.Count, at, weighted, r.GetInt32(4), kind, 0));
                }
                else if (kind == HistoryRow.Won)
                {
                    var currency = r.GetString(6);
                    var index = currencies.IndexOf(currency);
                    if (index < 0)
                    {
                        currencies.Add(currency);
                        index = currencies.Count - 1;
                    }

                    rows.Add(new HistoryRow(deal, rows.Count, at, r.GetDecimal(5), 0, kind, (short)index));
                }
                else
                {
                    rows.Add(new HistoryRow(deal, rows.Count, at, 0m, 0, kind, 0));
                }
            },
            cancellationToken);

        var sorted = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows);
        sorted.Sort(static (a, b) => a.Deal != b.Deal ? a.Deal.CompareTo(b.Deal) : a.At != b.At ? a.At.CompareTo(b.At) : a.Written.CompareTo(b.Written));
        var forecast = new decimal[BacktestMonths];
        var wins = new List<(int Deal, int Month, decimal Value, short Currency)>();
        for (var from = 0; from < sorted.Length;)
        {
            var to = from;
            while (to < sorted.Length && sorted[to].Deal == sorted[from].Deal)
            {
                to++;
            }

            // The deal's last row before each month's start, and its first row turned Won.
            var last = -1;
            for (var (i, next) = (0, from); i < BacktestMonths; i++)
            {
                for (; next < to && sorted[next].At < starts[i]; next++)
                {
                    last = next;
                }

                if (last >= 0 && sorted[last] is { Kind: HistoryRow.Open } then && then.CloseMonth == closeMonths[i])
                {
                    forecast[i] += then.Amount;
                }
            }

            for (var w = from; w < to; w++)
            {
                if (sorted[w].Kind == HistoryRow.Won)
                {
                    var wonAt = sorted[w].At;
                    var month = Array.FindLastIndex(starts, s => wonAt >= s);
                    if (month is >= 0 and < BacktestMonths)
                    {
                        wins.Add((sorted[w].Deal, month, sorted[w].Amount, sorted[w].Currency));
                    }

                    break;
                }
            }

            from = to;
        }

        rows.Clear();
        rows.TrimExcess();
        var actual = new decimal[BacktestMonths];

        // A won deal counts at its won amount where it has one, else at the value its history had when it turned Won.
        var dealIds = new Guid[deals.Count];
        foreach (var (id, index) in deals)
        {
            dealIds[index] = id;
        }

        var wonAmounts = wins.Count == 0 ? [] : (await reading.ReadAsync(
                _ => "SELECT d.\"Id\", d.\"WonAmount\" FROM \"Deals\" d WHERE d.\"OrganisationId\" = @org AND d.\"WonAmount\" IS NOT NULL",
                r => (Id: Key(r.GetValue(0)), Amount: ReportReading.Decimal(r, 1)),
                cancellationToken))
            .ToDictionary(w => w.Id, w => w.Amount);
        foreach (var (deal, month, value, currency) in wins)
        {
            if (rates.TryGetValue(currencies[currency], out var rate))
            {
                actual[month] += (wonAmounts.TryGetValue(dealIds[deal], out var amount) ? amount : value) * rate;
            }
        }

        // The deals closed (won or lost) in the measured months, each counted in every stage its history was open in.
        var measuredFrom = thisMonth.AddMonths(-MeasuredMonths);
        var closed = await reading.ReadAsync(
            sql =>
            {
                sql.Add("@fromDay", measuredFrom);
                sql.Add("@toDay", thisMonth);
                return $"SELECT d.\"Id\", CASE WHEN d.\"Status\" = '{DealStatus.Won}' THEN 1 ELSE 0 END" + DealsFrom(sql, filter)
                    + $" AND d.\"Status\" IN ('{DealStatus.Won}', '{DealStatus.Lost}') AND d.\"ClosedOn\" >= @fromDay AND d.\"ClosedOn\" < @toDay";
            },
            r => (Id: Key(r.GetValue(0)), Won: ReportReading.Long(r, 1) == 1),
            cancellationToken);
        var passed = new Dictionary<Guid, (long Closed, long Won)>();
        foreach (var (dealId, won) in closed)
        {
            if (!deals.TryGetValue(dealId, out var deal) || openIn[deal] is not { } seen)
            {
                continue;
            }

            for (var stage = 0; stage < stages.Count; stage++)
            {
                if ((seen[stage / 64] & (1UL << (stage % 64))) != 0)
                {
                    var (count, wonCount) = passed.GetValueOrDefault(stages[stage]);
                    passed[stages[stage]] = (count + 1, wonCount + (won ? 1 : 0));
                }
            }
        }

        var months = Enumerable.Range(0, BacktestMonths)
            .Select(i => new BacktestMonth(ReportFilter.MonthOf(first.AddMonths(i)), decimal.Round(forecast[i], 2), decimal.Round(actual[i], 2)))
            .ToList();
        var totalActual = months.Sum(m => m.Actual);
        var withActual = months.Where(m => m.Actual != 0).ToList();
        decimal? mape = withActual.Count == 0 ? null : decimal.Round(withActual.Average(m => Math.Abs(m.Forecast - m.Actual) / m.Actual), 4);
        decimal? wape = totalActual == 0 ? null : decimal.Round(months.Sum(m => Math.Abs(m.Forecast - m.Actual)) / totalActual, 4);
        decimal? bias = totalActual == 0 ? null : decimal.Round(months.Sum(m => m.Forecast - m.Actual) / totalActual, 4);
        return new History(new Backtest(months, mape, wape, bias), passed);
    }

    private static int MonthIndex(DateOnly day) => (day.Year * 12) + day.Month - 1;

    /// <summary>A stored key as read: 16 bytes on SQLite, a uuid on PostgreSQL.</summary>
    private static Guid Key(object value) => value is byte[] bytes ? Data.SqliteGuids.FromBytes(bytes) : (Guid)value;

    private static DateTimeOffset Moment(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
