using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Leadgate.Reports;
using Leadgate.Web.Api;

namespace Leadgate.Web.Cli;

/// <summary><c>leadgate report funnel|cohorts|velocity|reasons|response|sources|win-rate|pipeline|forecast</c>: a report as a table, CSV, or the API's own JSON.</summary>
internal static class ReportVerb
{
    /// <summary>The API's JSON settings (camelCase, enums by name), so <c>--format json</c> prints what the API answers.</summary>
    private static readonly JsonSerializerOptions Json = Configured();

    private static readonly string[] CohortHeader = ["group", "month", "transition", "size", "in30", "of", "rate", "in60", "of", "rate", "in90", "of", "rate", "incomplete"];

    private static readonly string[] VelocityHeader = ["group", "from", "to", "leads", "medianDays", "p75Days"];

    private static readonly string[] ReasonHeader = ["group", "kind", "reason", "count", "of", "share"];

    private static readonly string[] ResponseHeader = ["group", "handovers", "touched", "medianHours", "p75Hours", "slaMet", "of", "rate"];

    public static Command Create(CliContext cli)
    {
        var report = new Command("report", "Print a report (docs/reports.md) as a table, CSV or JSON");
        report.Subcommands.Add(Report<GetFunnel, FunnelReport>(cli, "funnel", "The funnel: entered, reached, skipped, recycled, exited and conversion per stage", (h, q, a, c) => h.HandleAsync(q, a, c), FunnelRows));
        report.Subcommands.Add(Report<GetCohorts, CohortReport>(cli, "cohorts", "Cohort conversion: per month of first entry, the share that reached the next stage within 30, 60 and 90 days", (h, q, a, c) => h.HandleAsync(q, a, c), CohortRows));
        report.Subcommands.Add(Report<GetVelocity, VelocityReport>(cli, "velocity", "Velocity: median and 75th percentile days between first entries of funnel stages", (h, q, a, c) => h.HandleAsync(q, a, c), VelocityRows));
        report.Subcommands.Add(Report<GetReasons, ReasonReport>(cli, "reasons", "Sent-back, disqualification and lost reasons with their counts and shares", (h, q, a, c) => h.HandleAsync(q, a, c), ReasonRows));
        report.Subcommands.Add(Report<GetResponse, ResponseReport>(cli, "response", "Speed to lead: hours from assignment to first touch, and SLA met of met + breached", (h, q, a, c) => h.HandleAsync(q, a, c), ResponseRows));
        report.Subcommands.Add(Report<GetSources, SourceReport>(cli, "sources", "MQL quality per source (or --by): leads, MQLs, SQLs, won, value won and the conversions", (h, q, a, c) => h.HandleAsync(q, a, c), SourceRows));
        report.Subcommands.Add(Report<GetWinRate, WinRateReport>(cli, "win-rate", "Win rate of the deals closed in the period, value won, average deal value and sales cycle", (h, q, a, c) => h.HandleAsync(q, a, c), WinRateRows));
        report.Subcommands.Add(Report<GetPipelineReport, PipelineReport>(cli, "pipeline", "The open deals by pipeline stage now: count, value, weighted value, stale", (h, q, a, c) => h.HandleAsync(q, a, c), PipelineRows));
        report.Subcommands.Add(Report<GetForecast, ForecastReport>(cli, "forecast", "The forecast: weighted pipeline by close month and category, and its back-test", (h, q, a, c) => h.HandleAsync(q, a, c), ForecastRows));
        return report;
    }

    /// <summary>One report verb: the API's query parameters as options, the handler's answer as a table, CSV or the API's JSON.</summary>
    private static Command Report<THandler, TReport>(
        CliContext cli, string name, string description,
        Func<THandler, ReportQuery, Accounts.Actor, CancellationToken, Task<Common.Result<TReport>>> run,
        Func<TReport, List<string[]>> rows)
        where THandler : notnull
        where TReport : notnull
    {
        var organisation = new Option<string?>("--org") { Description = "The organisation's slug; may be left out when there is only one" };
        var from = new Option<string?>("--from") { Description = "First day, YYYY-MM-DD (inclusive)" };
        var to = new Option<string?>("--to") { Description = "Last day, YYYY-MM-DD (exclusive)" };
        var by = new Option<string?>("--by") { Description = "source, campaign, owner, team, fitTier or pipeline" };
        var view = new Option<string?>("--view") { Description = "period or cohort" };
        var source = new Option<string?>("--source") { Description = "Only leads of this source" };
        var campaign = new Option<string?>("--campaign") { Description = "Only leads of this campaign" };
        var owner = new Option<string?>("--owner-id") { Description = "Only leads owned by this user (id)" };
        var team = new Option<string?>("--team") { Description = "Only leads owned by members of this routing team" };
        var fitTier = new Option<string?>("--fit-tier") { Description = "Only leads of this fit tier (high, medium, low)" };
        var pipeline = new Option<string?>("--pipeline-id") { Description = "Only leads whose deal is in this pipeline (id)" };
        var imported = new Option<string?>("--include-imported") { Description = "true (the default) or false: leave imported history out" };
        var format = new Option<string>("--format") { Description = "table, csv or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var command = new Command(name, description) { organisation, from, to, by, view, source, campaign, owner, team, fitTier, pipeline, imported, format };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var reader = await services.GetRequiredService<Imports.ImportLeads>().ImporterAsync(parse.GetValue(organisation), cancellationToken);
            if (reader.Error is { } noOrganisation)
            {
                return await cli.Console.FailAsync(noOrganisation);
            }

            var query = new ReportQuery
            {
                From = parse.GetValue(from), To = parse.GetValue(to), By = parse.GetValue(by), View = parse.GetValue(view),
                Source = parse.GetValue(source), Campaign = parse.GetValue(campaign), OwnerId = parse.GetValue(owner), Team = parse.GetValue(team),
                FitTier = parse.GetValue(fitTier), PipelineId = parse.GetValue(pipeline), IncludeImported = parse.GetValue(imported),
            };
            var actor = reader.Value with { Name = "cli" };
            var result = await run(services.GetRequiredService<THandler>(), query, actor, cancellationToken);
            if (result.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var output = parse.GetValue(format) switch
            {
                "json" => JsonSerializer.Serialize(result.Value, Json),
                "csv" => string.Join('\n', rows(result.Value).Select(r => string.Join(',', r.Select(Csv)))),
                _ => Table(rows(result.Value)),
            };
            await cli.Console.Output.WriteLineAsync(output);
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    private static JsonSerializerOptions Configured()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        JsonContract.Configure(options);
        return options;
    }

    private static List<string[]> FunnelRows(FunnelReport report)
    {
        var rows = new List<string[]> { new[] { "group", "stage", "entered", "reached", "skipped", "recycled", "exited", "toNext", "of", report.RatioKind } };
        foreach (var (label, stages) in report.Groups?.Select(g => (g.Label, g.Stages)) ?? [("(all)", report.Stages)])
        {
            rows.AddRange(stages.Select(s => new[]
            {
                label, s.Stage.ToString(), Number(s.Entered), Number(s.Reached), Number(s.Skipped), Number(s.Recycled), Number(s.Exited),
                s.ConversionToNext is { } c ? Number(c.Numerator) : "", s.ConversionToNext is { } d ? Number(d.Denominator) : "",
                s.ConversionToNext?.Rate is { } rate ? rate.ToString("P1", CultureInfo.InvariantCulture) : "",
            }));
        }

        return rows;
    }

    private static List<string[]> ForecastRows(ForecastReport report)
    {
        var rows = new List<string[]> { new[] { "month", "category", "deals", "value", "weightedValue", report.Currency } };
        rows.AddRange(report.Weighted.Select(w => new[] { w.Month, w.Category.ToString(), Number(w.Deals), Money(w.Value), Money(w.WeightedValue), "" }));
        rows.AddRange(report.Backtest.Months.Select(m => new[] { m.Month, "backtest", "", Money(m.Forecast), Money(m.Actual), "forecast, actual" }));
        rows.AddRange(report.RunRate.Months.Select(m => new[] { m.Month, "runRate", Money(m.Customers), Money(m.Revenue), "", "customers, revenue" }));
        return rows;
    }

    /// <summary>The whole report as "(all)", then each group by its label.</summary>
    private static IEnumerable<(string Label, T Figures)> Sections<T>(T total, IEnumerable<(string Label, T Figures)>? groups) =>
        groups is null ? [("(all)", total)] : groups.Prepend(("(all)", total));

    /// <summary>A ratio as three cells: numerator, denominator ("of") and rate.</summary>
    private static string[] Cells(Ratio ratio) => [Number(ratio.Numerator), Number(ratio.Denominator), Rate(ratio.Rate)];

    private static List<string[]> CohortRows(CohortReport report)
    {
        var rows = new List<string[]> { CohortHeader };
        foreach (var (label, cohorts) in Sections(report.Cohorts, report.Groups?.Select(g => (g.Label, g.Cohorts))))
        {
            rows.AddRange(cohorts.Select(c => (string[])[
                label, c.Month, c.Transition, Number(c.Size), .. Cells(c.Within30), .. Cells(c.Within60), .. Cells(c.Within90),
                string.Join(' ', c.Incomplete.Select(w => w.ToString(CultureInfo.InvariantCulture))),
            ]));
        }

        return rows;
    }

    private static List<string[]> VelocityRows(VelocityReport report)
    {
        var rows = new List<string[]> { VelocityHeader };
        foreach (var (label, steps) in Sections(report.Steps, report.Groups?.Select(g => (g.Label, g.Steps))))
        {
            rows.AddRange(steps.Select(s => new[] { label, s.From.ToString(), s.To.ToString(), Number(s.Leads), Days(s.MedianDays), Days(s.P75Days) }));
        }

        return rows;
    }

    private static List<string[]> ReasonRows(ReasonReport report)
    {
        var rows = new List<string[]> { ReasonHeader };
        foreach (var (label, kinds) in Sections(report.Kinds, report.Groups?.Select(g => (g.Label, g.Kinds))))
        {
            rows.AddRange(kinds.SelectMany(k => k.Reasons.Select(r => (string[])[label, k.Kind, r.Reason ?? "(none)", .. Cells(r.Share)])));
        }

        return rows;
    }

    private static List<string[]> ResponseRows(ResponseReport report)
    {
        var rows = new List<string[]> { ResponseHeader };
        foreach (var (label, f) in Sections(report.Total, report.Groups?.Select(g => (g.Label, g.Figures))))
        {
            rows.Add([label, Number(f.Handovers), Number(f.Touched), Days(f.MedianHours), Days(f.P75Hours), .. Cells(f.SlaMet)]);
        }

        return rows;
    }

    private static List<string[]> SourceRows(SourceReport report)
    {
        var rows = new List<string[]>
        {
            new[] { "group", "leads", "mqls", "sqls", "won", "dealsWon", "wonValue", "mqlToSql", "of", report.RatioKind, "sqlToWon", "of", report.RatioKind, report.Currency },
        };
        foreach (var (label, f) in Sections(report.Total, report.Groups.Select(g => (g.Label, g.Figures))))
        {
            rows.Add([label, Number(f.Leads), Number(f.Mqls), Number(f.Sqls), Number(f.Won), Number(f.DealsWon), Money(f.WonValue), .. Cells(f.MqlToSql), .. Cells(f.SqlToWon), ""]);
        }

        return rows;
    }

    private static List<string[]> WinRateRows(WinRateReport report)
    {
        var rows = new List<string[]> { new[] { "group", "won", "lost", "winRate", "of", "rate", "wonValue", "averageDealValue", "averageCycleDays", report.Currency } };
        foreach (var (label, f) in Sections(report.Total, report.Groups?.Select(g => (g.Label, g.Figures))))
        {
            rows.Add([label, Number(f.Won), Number(f.Lost), .. Cells(f.WinRate), Money(f.WonValue), f.AverageDealValue is { } average ? Money(average) : "", Days(f.AverageCycleDays), ""]);
        }

        return rows;
    }

    private static List<string[]> PipelineRows(PipelineReport report)
    {
        var rows = new List<string[]> { new[] { "group", "stage", "deals", "value", "weightedValue", "stale", report.Currency } };
        foreach (var (label, stages) in Sections(report.Stages, report.Groups?.Select(g => (g.Label, g.Stages))))
        {
            rows.AddRange(stages.Select(s => new[] { label, s.Stage, Number(s.Deals), Money(s.Value), Money(s.WeightedValue), Number(s.Stale), "" }));
        }

        return rows;
    }

    private static string Rate(decimal? rate) => rate is { } value ? value.ToString("P1", CultureInfo.InvariantCulture) : "";

    private static string Days(decimal? days) => days is { } value ? value.ToString("0.00", CultureInfo.InvariantCulture) : "";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Money(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Csv(string value) => value.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private static string Table(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i < 2 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
        }

        return text.ToString().TrimEnd();
    }
}
