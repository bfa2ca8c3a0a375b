using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Leadgate.Reports;
using Leadgate.Web.Api;

namespace Leadgate.Web.Cli;

/// <summary><c>leadgate report funnel|forecast</c>: a report as a table, CSV, or the API's own JSON.</summary>
internal static class ReportVerb
{
    /// <summary>The API's JSON settings (camelCase, enums by name), so <c>--format json</c> prints what the API answers.</summary>
    private static readonly JsonSerializerOptions Json = Configured();

    public static Command Create(CliContext cli)
    {
        var report = new Command("report", "Print a report (docs/reports.md) as a table, CSV or JSON");
        report.Subcommands.Add(Report(cli, "funnel", "The funnel: entered, reached, skipped, recycled, exited and conversion per stage",
            async (services, query, actor, cancellationToken) => (await services.GetRequiredService<GetFunnel>().HandleAsync(query, actor, cancellationToken)).Map(r => (object)r),
            value => FunnelRows((FunnelReport)value)));
        report.Subcommands.Add(Report(cli, "forecast", "The forecast: weighted pipeline by close month and category, and its back-test",
            async (services, query, actor, cancellationToken) => (await services.GetRequiredService<GetForecast>().HandleAsync(query, actor, cancellationToken)).Map(r => (object)r),
            value => ForecastRows((ForecastReport)value)));
        return report;
    }

    private static Command Report(
        CliContext cli, string name, string description,
        Func<IServiceProvider, ReportQuery, Accounts.Actor, CancellationToken, Task<Common.Result<object>>> run,
        Func<object, IReadOnlyList<string[]>> rows)
    {
        var organisation = new Option<string?>("--org") { Description = "The organisation's slug; may be left out when there is only one" };
        var from = new Option<string?>("--from") { Description = "First day, YYYY-MM-DD (inclusive)" };
        var to = new Option<string?>("--to") { Description = "Last day, YYYY-MM-DD (exclusive)" };
        var by = new Option<string?>("--by") { Description = "source, campaign, owner, team, fitTier or pipeline" };
        var view = new Option<string?>("--view") { Description = "period or cohort" };
        var format = new Option<string>("--format") { Description = "table, csv or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var command = new Command(name, description) { organisation, from, to, by, view, format };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var reader = await services.GetRequiredService<Imports.ImportLeads>().ImporterAsync(parse.GetValue(organisation), cancellationToken);
            if (reader.Error is { } noOrganisation)
            {
                return await cli.Console.FailAsync(noOrganisation);
            }

            var query = new ReportQuery { From = parse.GetValue(from), To = parse.GetValue(to), By = parse.GetValue(by), View = parse.GetValue(view) };
            var actor = reader.Value with { Name = "cli" };
            var result = await run(services, query, actor, cancellationToken);
            if (result.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var output = parse.GetValue(format) switch
            {
                "json" => JsonSerializer.Serialize(result.Value, result.Value.GetType(), Json),
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
        return rows;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Money(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Csv(string value) => value.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private static string Table(IReadOnlyList<string[]> rows)
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
