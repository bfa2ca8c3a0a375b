using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;
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

    private sealed record DealRow(
        Guid Id, DealStatus Status, decimal Value, string Currency, DateOnly ExpectedCloseDate, int Probability, ForecastCategory Category,
        decimal? WonAmount, DateOnly? ClosedOn, Guid? OwnerId, Guid? PipelineId, string? Source, string? Campaign, decimal? Fit, Guid? StageId);

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
        var deals = (await db.Deals.AsNoTracking().Where(d => d.OrganisationId == organisationId)
                .Join(db.Leads, d => d.LeadId, l => l.Id, (d, l) => new DealRow(
                    d.Id, d.Status, d.Value, d.Currency, d.ExpectedCloseDate, d.RepProbability ?? d.StageProbability,
                    d.RepForecastCategory ?? d.StageForecastCategory, d.WonAmount, d.ClosedOn, d.OwnerId, d.PipelineId, l.Source, l.Campaign, l.FitScore, d.StageId))
                .ToListAsync(cancellationToken))
            .Where(d => Counts(d, filter))
            .ToList();

        var months = new List<DateOnly>();
        for (var month = new DateOnly(filter.From.Year, filter.From.Month, 1); month < filter.To; month = month.AddMonths(1))
        {
            months.Add(month);
        }

        bool InPeriod(DateOnly day) => day >= filter.From && day < filter.To;
        var lines = deals
            .Where(d => (d.Status == DealStatus.Open && InPeriod(d.ExpectedCloseDate)) || (d.Status == DealStatus.Won && d.ClosedOn is { } closed && InPeriod(closed)))
            .Select(d => d.Status == DealStatus.Won
                ? (Deal: d, Month: ReportFilter.MonthOf(d.ClosedOn!.Value), Category: ForecastCategory.Closed, Value: d.WonAmount ?? d.Value, Probability: 100)
                : (Deal: d, Month: ReportFilter.MonthOf(d.ExpectedCloseDate), d.Category, d.Value, d.Probability))
            .ToList();
        var rated = lines.Where(l => rates.ContainsKey(l.Deal.Currency)).ToList();
        var weighted = rated
            .GroupBy(l => (l.Month, l.Category))
            .OrderBy(g => g.Key.Month, StringComparer.Ordinal).ThenBy(g => g.Key.Category)
            .Select(g => new WeightedRow(
                g.Key.Month, g.Key.Category, g.Count(),
                g.Sum(l => l.Value * rates[l.Deal.Currency]),
                g.Sum(l => l.Value * rates[l.Deal.Currency] * l.Probability / 100m)))
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
        var withoutRate = lines.Where(l => !rates.ContainsKey(l.Deal.Currency))
            .GroupBy(l => l.Deal.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new WithoutRate(g.Key, g.Count(), g.Sum(l => l.Value)))
            .ToList();

        var runRate = await RunRateAsync(filter, deals, rates, now, organisationId, cancellationToken);
        var backtest = await BacktestAsync(deals, rates, now, organisationId, cancellationToken);
        return new ForecastReport(currency, filter.From, filter.To, weighted, rollups, withoutRate, runRate, backtest);
    }

    /// <summary>
    /// The run rate: for each of the next <see cref="RunRateMonths"/> months, the MQLs expected to arrive (the average inflow of
    /// the last <see cref="InflowMonths"/> whole months) × the conversion to Customer measured by lag × the average won deal, plus
    /// each open deal × the win rate measured for its stage, in the month it is expected to close (an overdue one in this month).
    /// </summary>
    private async Task<RunRate> RunRateAsync(
        ReportFilter filter, List<DealRow> deals, IReadOnlyDictionary<string, decimal> rates, DateTimeOffset now, Guid organisationId, CancellationToken cancellationToken)
    {
        var thisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        var measuredFrom = thisMonth.AddMonths(-MeasuredMonths);
        static int MonthIndex(DateOnly day) => (day.Year * 12) + day.Month - 1;
        static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

        // Per lead whose first entry into MQL lies in the measured months: that entry and its first reach of Customer.
        var reading = new ReportReading(db, filter with { From = measuredFrom, To = thisMonth, By = null, View = ReportView.Period }, organisationId, []);
        var mqls = await reading.ReadAsync(
            sql => reading.FirstEntries(sql) + " SELECT p.e1, p.r4 FROM leads_in p WHERE p.e1 >= @from AND p.e1 < @to",
            r => (Mql: Day(Stored(r, 0)!.Value), Customer: Stored(r, 1) is { } at ? Day(at) : (DateOnly?)null),
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

        bool Measured(DateOnly? day) => day >= measuredFrom && day < thisMonth;
        var won = deals.Where(d => d.Status == DealStatus.Won && Measured(d.ClosedOn) && rates.ContainsKey(d.Currency)).ToList();
        decimal? averageDeal = won.Count == 0 ? null : decimal.Round(won.Sum(d => (d.WonAmount ?? d.Value) * rates[d.Currency]) / won.Count, 2);

        // Per stage: the closed deals of the measured months that were ever open in it (their history), and of those the won ones.
        var closed = deals.Where(d => d.Status is DealStatus.Won or DealStatus.Lost && Measured(d.ClosedOn)).ToDictionary(d => d.Id);
        var passed = (await db.DealChanges.AsNoTracking()
                .Where(c => c.OrganisationId == organisationId && c.Status == DealStatus.Open && c.StageId != null)
                .Select(c => new { c.DealId, c.StageId })
                .ToListAsync(cancellationToken))
            .Where(c => closed.ContainsKey(c.DealId))
            .Select(c => (c.DealId, StageId: c.StageId!.Value)).Distinct().ToList();
        var stageNames = (await db.PipelineStages.AsNoTracking()
                .Join(db.Pipelines.Where(p => p.OrganisationId == organisationId), s => s.PipelineId, p => p.Id, (s, p) => new { s.Id, s.Name, s.Position, Pipeline = p.Name, PipelineId = p.Id })
                .ToListAsync(cancellationToken))
            .OrderBy(s => s.Pipeline, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.PipelineId).ThenBy(s => s.Position).ToList();
        var open = deals.Where(d => d.Status == DealStatus.Open && rates.ContainsKey(d.Currency)).ToList();
        var winRates = stageNames.Select(s =>
        {
            var ever = passed.Where(p => p.StageId == s.Id).Select(p => closed[p.DealId]).ToList();
            var inStage = open.Where(d => d.StageId == s.Id).ToList();
            return new StageWinRate(
                s.Id, $"{s.Pipeline} / {s.Name}", Ratio.Of(ever.Count(d => d.Status == DealStatus.Won), ever.Count),
                inStage.Count, decimal.Round(inStage.Sum(d => d.Value * rates[d.Currency]), 2));
        }).Where(w => w.WinRate.Denominator > 0 || w.OpenDeals > 0).ToList();
        var rateOf = winRates.ToDictionary(w => w.StageId!.Value, w => w.WinRate.Rate ?? 0m);

        var months = Enumerable.Range(0, RunRateMonths).Select(i =>
        {
            var month = thisMonth.AddMonths(i);
            var customers = Enumerable.Range(0, i + 1).Sum(arrived => perMonth * (lags[i - arrived].Conversion.Rate ?? 0m));
            var closing = open.Where(d => MonthIndex(d.ExpectedCloseDate < thisMonth ? thisMonth : d.ExpectedCloseDate) == MonthIndex(month)).ToList();
            var fromDeals = closing.Sum(d => d.StageId is { } stage ? rateOf.GetValueOrDefault(stage) : 0m);
            var dealRevenue = closing.Sum(d => d.Value * rates[d.Currency] * (d.StageId is { } stage ? rateOf.GetValueOrDefault(stage) : 0m));
            var inflowRevenue = customers * (averageDeal ?? 0m);
            return new RunRateMonth(
                ReportFilter.MonthOf(month), decimal.Round(customers, 2), decimal.Round(inflowRevenue, 2), decimal.Round(fromDeals, 2),
                decimal.Round(dealRevenue, 2), decimal.Round(customers + fromDeals, 2), decimal.Round(inflowRevenue + dealRevenue, 2));
        }).ToList();
        return new RunRate(months, new RunRateInputs(InflowMonths, inflow, perMonth, MeasuredMonths, lags, won.Count, averageDeal, winRates));
    }

    /// <summary>A stored time as the report SQL reads it back: UTC ticks on SQLite, a timestamp on PostgreSQL.</summary>
    private static DateTimeOffset? Stored(System.Data.Common.DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal) switch
    {
        long ticks => new DateTimeOffset(ticks, TimeSpan.Zero),
        DateTimeOffset at => at.ToUniversalTime(),
        DateTime at => new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)),
        var other => throw new InvalidOperationException($"A stored time of type {other.GetType().Name}."),
    };

    /// <summary>Each past month's forecast from the history rows before its start, against the deals whose history turned Won in it.</summary>
    private async Task<Backtest> BacktestAsync(
        List<DealRow> deals, IReadOnlyDictionary<string, decimal> rates, DateTimeOffset now, Guid organisationId, CancellationToken cancellationToken)
    {
        var thisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        var first = thisMonth.AddMonths(-BacktestMonths);
        var end = Moment(thisMonth);
        var counted = deals.ToDictionary(d => d.Id);
        var changes = (await db.DealChanges.AsNoTracking()
                .Where(c => c.OrganisationId == organisationId && c.At < end)
                .Select(c => new ChangeRow(c.DealId, c.At, c.Status, c.Value, c.Currency, c.ExpectedCloseDate, c.Probability))
                .ToListAsync(cancellationToken))
            .Where(c => counted.ContainsKey(c.DealId))
            .GroupBy(c => c.DealId)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.At).ToList());

        var months = new List<BacktestMonth>();
        for (var month = first; month < thisMonth; month = month.AddMonths(1))
        {
            var (start, next) = (Moment(month), Moment(month.AddMonths(1)));
            var forecast = 0m;
            var actual = 0m;
            foreach (var (dealId, history) in changes)
            {
                var then = history.LastOrDefault(c => c.At < start);
                if (then is { Status: DealStatus.Open } && then.ExpectedCloseDate >= month && then.ExpectedCloseDate < month.AddMonths(1)
                    && rates.TryGetValue(then.Currency, out var rate))
                {
                    forecast += then.Value * rate * then.Probability / 100m;
                }

                var won = history.FirstOrDefault(c => c.Status == DealStatus.Won);
                if (won is not null && won.At >= start && won.At < next && rates.TryGetValue(won.Currency, out var wonRate))
                {
                    actual += (counted[dealId].WonAmount ?? won.Value) * wonRate;
                }
            }

            months.Add(new BacktestMonth(ReportFilter.MonthOf(month), decimal.Round(forecast, 2), decimal.Round(actual, 2)));
        }

        var totalActual = months.Sum(m => m.Actual);
        var withActual = months.Where(m => m.Actual != 0).ToList();
        decimal? mape = withActual.Count == 0 ? null : decimal.Round(withActual.Average(m => Math.Abs(m.Forecast - m.Actual) / m.Actual), 4);
        decimal? wape = totalActual == 0 ? null : decimal.Round(months.Sum(m => Math.Abs(m.Forecast - m.Actual)) / totalActual, 4);
        decimal? bias = totalActual == 0 ? null : decimal.Round(months.Sum(m => m.Forecast - m.Actual) / totalActual, 4);
        return new Backtest(months, mape, wape, bias);
    }

    private static DateTimeOffset Moment(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The report's filters on a deal: owner and team by the deal's owner, pipeline by the deal's, the rest by its lead.</summary>
    private static bool Counts(DealRow deal, ReportFilter filter) =>
        (filter.Source is null || deal.Source == filter.Source)
        && (filter.Campaign is null || deal.Campaign == filter.Campaign)
        && (filter.OwnerId is null || deal.OwnerId == filter.OwnerId)
        && (filter.Team is null || (deal.OwnerId is { } owner && filter.TeamMembers.Contains(owner)))
        && (filter.FitTier is null || RoutingRule.TierOf(deal.Fit) == filter.FitTier)
        && (filter.PipelineId is null || deal.PipelineId == filter.PipelineId);
}
