using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Leadgate.Accounts;
using Leadgate.Data;
using Leadgate.Pipeline;
using Leadgate.Reports;
using Microsoft.Data.Sqlite;

namespace Leadgate.Web.Cli;

/// <summary>
/// Issue 17, acceptance 5 (bars P6 and P7): a fresh SQLite database seeded with raw prepared SQL — one organisation, N leads
/// with about five stage events each (most stay IQL or MQL, some go on to SQL, Opportunity and Customer; Nurture and back,
/// disqualifications, skips, imported history), their deals (open, won, lost) with deal history, handovers, several sources,
/// campaigns, owners and teams. Then every one of the nine reports is timed warm through the product's own use case (as the
/// API and the CLI run it) against a hand-written SQL query of the same numbers in the same run, and the numbers of both are
/// compared. Last, the app runs as its own process on that database and answers every report over HTTP while its resident
/// memory is read from /proc.
/// </summary>
internal static class BenchReports
{
    private const double TargetMilliseconds = 250;
    private const double TargetRatio = 2;
    private const double TargetRssMegabytes = 400;
    private const int Owners = 8;

    public sealed record Options(int Leads, int Samples, bool CoveringIndex = false);

    /// <summary>
    /// The index <c>--covering-index</c> creates by hand in the bench database (never in the product's schema): the stage events
    /// of a lead with every column the per-lead aggregations read, so they need not visit the table.
    /// </summary>
    internal const string CoveringIndex =
        "CREATE INDEX \"IX_Bench_StageEvents_Covering\" ON \"StageEvents\" (\"LeadId\", \"OrganisationId\", \"At\", \"To\", \"From\", \"ActorKind\"); ANALYZE;";

    /// <summary>One report: its name (as the API path), the use case's numbers, and the hand-written query's.</summary>
    private sealed record Report(string Name, Func<IServiceProvider, Task<BenchFigures>> Product, Func<SqliteConnection, Task<BenchFigures>> Baseline);

    public static async Task<int> RunAsync(CliContext cli, Options options, CancellationToken cancellationToken)
    {
        if (options.Leads < 100 || options.Samples < 1)
        {
            await cli.Console.Error.WriteLineAsync("--leads must be at least 100 and --samples at least 1.");
            return ExitCodes.InvalidInput;
        }

        var loadAverage = BenchReport.LoadAverage();
        await using var database = new BenchDatabase();
        var configuration = (IReadOnlyList<string>)[.. database.Configuration(cli), "--Pipeline:BackgroundSweep=false"];
        var (app, tenant) = (await CliServices.StartAsync(configuration, cancellationToken), (BenchTenant?)null);
        Guid[] stages;
        var owners = new List<Guid>();
        var seeded = (Leads: 0L, StageEvents: 0L, Deals: 0L, DealChanges: 0L, Handovers: 0L);
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        try
        {
            tenant = await BenchTenant.SeedAsync(app.Services, cancellationToken);
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var addUser = scope.ServiceProvider.GetRequiredService<AddUser>();
                for (var i = 0; i < Owners; i++)
                {
                    var added = await addUser.HandleAsync(BenchTenant.Slug, $"rep{i}@bench.example.com", [Roles.Sales], null, $"Rep {i}", cancellationToken);
                    owners.Add(added.IsSuccess ? added.Value.User.Id : throw new InvalidOperationException(added.Error!.Message));
                }

                var pipelines = await scope.ServiceProvider.GetRequiredService<GetPipelines>().HandleAsync(tenant.Actor, cancellationToken);
                stages = [.. pipelines[0].Stages.OrderBy(s => s.Position).Select(s => s.Id)];
            }

            var seeding = BenchClock.Start();
            seeded = await cli.Console.WithProgressAsync("Reports: seeding", progress =>
                BenchReportsSeed.SeedAsync(database.ConnectionString, tenant.OrganisationId, owners, stages, options.Leads, now, progress, cancellationToken));
            await using (var scope = app.Services.CreateAsyncScope())
            {
                // The seeder writes stage events around the product, so their leads' funnel rows are counted once, after it.
                await LeadFunnel.RecountAsync(scope.ServiceProvider.GetRequiredService<LeadgateDbContext>(), tenant.OrganisationId, cancellationToken);
            }

            if (options.CoveringIndex)
            {
                await using var connection = new SqliteConnection(database.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                await using var create = connection.CreateCommand();
                create.CommandText = CoveringIndex;
                create.CommandTimeout = 0;
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            seeding.Stop();
            await BenchReport.PhaseAsync(cli,
                $"seeded {seeded.Leads:N0} leads, {seeded.StageEvents:N0} stage events, {seeded.Deals:N0} deals with {seeded.DealChanges:N0} history rows and {seeded.Handovers:N0} handovers in {seeding.Elapsed.TotalSeconds:0.0} s");
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var periods = new BenchReportsBaseline.Periods(now);
        var results = new Dictionary<string, (double Ms, double BaselineMs, bool Same)>(StringComparer.Ordinal);
        await using (app)
        {
            var reports = Reports(tenant.Actor, periods);
            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            foreach (var report in reports)
            {
                var product = new List<double>();
                var baseline = new List<double>();
                BenchFigures? productFigures = null;
                BenchFigures? baselineFigures = null;
                for (var i = -1; i < options.Samples; i++)
                {
                    await using (var scope = app.Services.CreateAsyncScope())
                    {
                        var started = Stopwatch.GetTimestamp();
                        productFigures = await report.Product(scope.ServiceProvider);
                        if (i >= 0)
                        {
                            product.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                        }
                    }

                    var begun = Stopwatch.GetTimestamp();
                    baselineFigures = await report.Baseline(connection);
                    if (i >= 0)
                    {
                        baseline.Add(Stopwatch.GetElapsedTime(begun).TotalMilliseconds);
                    }
                }

                var differences = Differences(productFigures!, baselineFigures!);
                foreach (var difference in differences.Take(5))
                {
                    await cli.Console.Error.WriteLineAsync($"bench: {report.Name}: {difference}");
                }

                results[report.Name] = (BenchReport.Median(product), BenchReport.Median(baseline), differences.Count == 0);
                await BenchReport.PhaseAsync(cli,
                    $"{report.Name}: median {BenchReport.Median(product):0.0} ms, hand-written query {BenchReport.Median(baseline):0.0} ms, {productFigures!.Count} figures, {(differences.Count == 0 ? "the same" : $"{differences.Count} differ")}");
            }
        }

        SqliteConnection.ClearAllPools();
        var (rssMB, hwmMB, httpMs) = await MeasureServerAsync(cli, configuration, tenant.ApiKey, periods, options.Samples, cancellationToken);
        var maxMs = results.Values.Max(r => r.Ms);
        var maxRatio = results.Values.Max(r => r.BaselineMs > 0 ? r.Ms / r.BaselineMs : 0);
        var same = results.Values.All(r => r.Same);
        return await BenchReport.ResultAsync(cli, new
        {
            bench = "reports",
            leads = seeded.Leads,
            stageEvents = seeded.StageEvents,
            deals = seeded.Deals,
            dealChanges = seeded.DealChanges,
            handovers = seeded.Handovers,
            samples = options.Samples,
            coveringIndex = options.CoveringIndex,
            reports = results.ToDictionary(r => r.Key, r => new
            {
                ms = BenchReport.Round(r.Value.Ms, 1),
                baselineMs = BenchReport.Round(r.Value.BaselineMs, 1),
                ratio = r.Value.BaselineMs > 0 ? BenchReport.Round(r.Value.Ms / r.Value.BaselineMs, 2) : 0,
                httpMs = BenchReport.Round(httpMs.GetValueOrDefault(r.Key), 1),
                same = r.Value.Same,
            }),
            maxMs = BenchReport.Round(maxMs, 1),
            maxRatio = BenchReport.Round(maxRatio, 2),
            rssMB = BenchReport.Round(hwmMB, 1),
            rssAfterMB = BenchReport.Round(rssMB, 1),
            same,
            target = new { ms = TargetMilliseconds, ratio = TargetRatio, rssMB = TargetRssMegabytes },
            met = same && maxMs <= TargetMilliseconds && maxRatio <= TargetRatio && hwmMB <= TargetRssMegabytes,
            loadAverage,
        });
    }

    /// <summary>The nine reports, each with the query the bench passes (the twelve whole months up to this one; the forecast the six from this one).</summary>
    private static List<Report> Reports(Actor actor, BenchReportsBaseline.Periods periods)
    {
        var year = periods.Query;
        var ahead = new ReportQuery { From = periods.ThisMonth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), To = periods.ThisMonth.AddMonths(6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        static async Task<BenchFigures> Run<T>(Task<Common.Result<T>> report, Action<T, BenchFigures> read)
        {
            var result = await report;
            if (result.Error is { } error)
            {
                throw new InvalidOperationException("A report failed: " + error.Message);
            }

            var figures = new BenchFigures();
            read(result.Value, figures);
            return figures;
        }

        var baseline = new BenchReportsBaseline(periods) { OrganisationId = actor.OrganisationId };
        return
        [
            new("funnel", s => Run(s.GetRequiredService<GetFunnel>().HandleAsync(year, actor, default), ReadFunnel), baseline.FunnelAsync),
            new("cohorts", s => Run(s.GetRequiredService<GetCohorts>().HandleAsync(year, actor, default), ReadCohorts), baseline.CohortsAsync),
            new("velocity", s => Run(s.GetRequiredService<GetVelocity>().HandleAsync(year, actor, default), ReadVelocity), baseline.VelocityAsync),
            new("reasons", s => Run(s.GetRequiredService<GetReasons>().HandleAsync(year, actor, default), ReadReasons), baseline.ReasonsAsync),
            new("response", s => Run(s.GetRequiredService<GetResponse>().HandleAsync(year, actor, default), ReadResponse), baseline.ResponseAsync),
            new("sources", s => Run(s.GetRequiredService<GetSources>().HandleAsync(year, actor, default), ReadSources), baseline.SourcesAsync),
            new("win-rate", s => Run(s.GetRequiredService<GetWinRate>().HandleAsync(year, actor, default), ReadWinRate), baseline.WinRateAsync),
            new("pipeline", s => Run(s.GetRequiredService<GetPipelineReport>().HandleAsync(year, actor, default), ReadPipeline), baseline.PipelineAsync),
            new("forecast", s => Run(s.GetRequiredService<GetForecast>().HandleAsync(ahead, actor, default), ReadForecast), baseline.ForecastAsync),
        ];
    }

    private static void ReadFunnel(FunnelReport report, BenchFigures f)
    {
        foreach (var s in report.Stages)
        {
            f.Set($"{s.Stage}.entered", s.Entered);
            f.Set($"{s.Stage}.reached", s.Reached);
            f.Set($"{s.Stage}.skipped", s.Skipped);
            f.Set($"{s.Stage}.recycled", s.Recycled);
            f.Set($"{s.Stage}.exited", s.Exited);
        }
    }

    private static void ReadCohorts(CohortReport report, BenchFigures f)
    {
        foreach (var c in report.Cohorts)
        {
            f.Set($"{c.Transition}.{c.Month}.size", c.Size);
            f.Set($"{c.Transition}.{c.Month}.within30", c.Within30.Numerator);
            f.Set($"{c.Transition}.{c.Month}.within60", c.Within60.Numerator);
            f.Set($"{c.Transition}.{c.Month}.within90", c.Within90.Numerator);
        }
    }

    private static void ReadVelocity(VelocityReport report, BenchFigures f)
    {
        foreach (var s in report.Steps)
        {
            f.Set($"{s.From}-{s.To}.leads", s.Leads);
            f.Set($"{s.From}-{s.To}.median", s.MedianDays);
            f.Set($"{s.From}-{s.To}.p75", s.P75Days);
        }
    }

    private static void ReadReasons(ReasonReport report, BenchFigures f)
    {
        foreach (var kind in report.Kinds)
        {
            f.Set($"{kind.Kind}.total", kind.Total);
            foreach (var reason in kind.Reasons)
            {
                f.Set($"{kind.Kind}.{reason.Reason ?? "(none)"}", reason.Count);
            }
        }
    }

    private static void ReadResponse(ResponseReport report, BenchFigures f)
    {
        var t = report.Total;
        f.Set("handovers", t.Handovers);
        f.Set("touched", t.Touched);
        f.Set("medianHours", t.MedianHours);
        f.Set("p75Hours", t.P75Hours);
        f.Set("met", t.Met);
        f.Set("breached", t.Breached);
    }

    private static void ReadSources(SourceReport report, BenchFigures f)
    {
        foreach (var g in report.Groups)
        {
            var key = g.Key ?? "(none)";
            f.Set($"{key}.leads", g.Figures.Leads);
            f.Set($"{key}.mqls", g.Figures.Mqls);
            f.Set($"{key}.sqls", g.Figures.Sqls);
            f.Set($"{key}.won", g.Figures.Won);
            f.Set($"{key}.dealsWon", g.Figures.DealsWon);
            f.Set($"{key}.wonValue", g.Figures.WonValue);
        }
    }

    private static void ReadWinRate(WinRateReport report, BenchFigures f)
    {
        var t = report.Total;
        f.Set("won", t.Won);
        f.Set("lost", t.Lost);
        f.Set("wonValue", t.WonValue);
        f.Set("averageDealValue", t.AverageDealValue);
        f.Set("averageCycleDays", t.AverageCycleDays);
    }

    private static void ReadPipeline(PipelineReport report, BenchFigures f)
    {
        foreach (var s in report.Stages.Where(s => s.Deals > 0))
        {
            var key = s.StageId?.ToString() ?? "(none)";
            f.Set($"{key}.deals", s.Deals);
            f.Set($"{key}.value", s.Value);
            f.Set($"{key}.weighted", s.WeightedValue);
            f.Set($"{key}.stale", s.Stale);
        }
    }

    private static void ReadForecast(ForecastReport report, BenchFigures f)
    {
        foreach (var w in report.Weighted)
        {
            f.Set($"weighted.{w.Month}.{w.Category}.deals", w.Deals);
            f.Set($"weighted.{w.Month}.{w.Category}.value", decimal.Round(w.Value, 2));
            f.Set($"weighted.{w.Month}.{w.Category}.weighted", decimal.Round(w.WeightedValue, 2));
        }

        foreach (var m in report.Backtest.Months)
        {
            f.Set($"backtest.{m.Month}.forecast", m.Forecast);
            f.Set($"backtest.{m.Month}.actual", m.Actual);
        }

        var inputs = report.RunRate.Inputs;
        f.Set("runRate.mqls", inputs.Mqls);
        foreach (var lag in inputs.ConversionByLag)
        {
            f.Set($"runRate.lag{lag.LagMonths}.numerator", lag.Conversion.Numerator);
            f.Set($"runRate.lag{lag.LagMonths}.denominator", lag.Conversion.Denominator);
        }

        f.Set("runRate.wonDeals", inputs.WonDeals);
        f.Set("runRate.averageDealValue", inputs.AverageDealValue);
        foreach (var stage in inputs.WinRateByStage)
        {
            f.Set($"runRate.{stage.StageId}.won", stage.WinRate.Numerator);
            f.Set($"runRate.{stage.StageId}.closed", stage.WinRate.Denominator);
            f.Set($"runRate.{stage.StageId}.openDeals", stage.OpenDeals);
            f.Set($"runRate.{stage.StageId}.openValue", stage.OpenValue);
        }
    }

    /// <summary>The figures that differ by more than a cent (a figure missing on one side counts as 0: an empty row).</summary>
    private static List<string> Differences(BenchFigures product, BenchFigures baseline) =>
        [.. product.Keys.Union(baseline.Keys).Order(StringComparer.Ordinal)
            .Select(k => (Key: k, Product: product.GetValueOrDefault(k), Baseline: baseline.GetValueOrDefault(k)))
            .Where(x => Math.Abs(x.Product - x.Baseline) > 0.01m)
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Key}: the report says {x.Product}, the hand-written query {x.Baseline}"))];

    /// <summary>
    /// The app as its own process on the seeded database: every report over HTTP (once to warm, once timed), its resident
    /// memory read from /proc after each answer. Answers the resident set at the end, the peak (VmHWM) and each report's time.
    /// </summary>
    private static async Task<(double RssMB, double HwmMB, Dictionary<string, double> HttpMs)> MeasureServerAsync(
        CliContext cli, IReadOnlyList<string> configuration, string apiKey, BenchReportsBaseline.Periods periods, int samples, CancellationToken cancellationToken)
    {
        await using var app = await BenchCrash.AppProcess.StartAsync(configuration, cancellationToken);
        using var client = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        var year = $"from={periods.From:yyyy-MM-dd}&to={periods.To:yyyy-MM-dd}";
        var ahead = $"from={periods.ThisMonth:yyyy-MM-dd}&to={periods.ThisMonth.AddMonths(6):yyyy-MM-dd}";
        var times = new Dictionary<string, double>(StringComparer.Ordinal);
        var (rss, hwm) = (0.0, 0.0);
        foreach (var name in (string[])["funnel", "cohorts", "velocity", "reasons", "response", "sources", "win-rate", "pipeline", "forecast"])
        {
            var query = name == "forecast" ? ahead : year;
            var elapsed = new List<double>();
            // Once to warm and once timed: the in-process timings above are the bar's; these show what HTTP and JSON add.
            for (var i = -1; i < Math.Min(samples, 1); i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"/api/v1/reports/{name}?{query}"), UriKind.Relative), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"GET /api/v1/reports/{name} answered {(int)response.StatusCode}: {body}");
                }

                if (i >= 0)
                {
                    elapsed.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }

                (rss, hwm) = app.Memory();
            }

            times[name] = BenchReport.Median(elapsed);
        }

        await BenchReport.PhaseAsync(cli, $"the app as its own process: resident {rss:0.0} MB after the reports, peak {hwm:0.0} MB");
        return (rss, hwm, times);
    }
}
