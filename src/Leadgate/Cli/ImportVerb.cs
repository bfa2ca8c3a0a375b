using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Leadgate.Common;
using Leadgate.Imports;
using Leadgate.Scoring;

namespace Leadgate.Web.Cli;

/// <summary><c>leadgate import leads FILE</c>: a HubSpot or Salesforce export, or any CSV with a mapping file.</summary>
internal static class ImportVerb
{
    public static Command Create(CliContext cli)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The CSV file (comma or semicolon separated, UTF-8)" };
        var organisation = new Option<string?>("--org") { Description = "The organisation's slug; may be left out when there is only one" };
        var mapping = new Option<FileInfo?>("--mapping") { Description = "A JSON file mapping CSV columns to fields, e.g. { \"E-mail\": \"email\" }; needed when the columns are not a HubSpot or Salesforce export's" };
        var allOrNothing = new Option<bool>("--all-or-nothing") { Description = "Import nothing when any row is bad (exit code 4)" };
        var report = new Option<FileInfo?>("--report") { Description = "Write the row report (line, column, reason) to this CSV file instead of stderr" };
        var leads = new Command("leads", "Import leads from a CSV file; running it again after a crash continues where it stopped")
        {
            file, organisation, mapping, allOrNothing, report,
        };
        leads.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var path = parse.GetValue(file)!;
            var mappingFile = parse.GetValue(mapping);
            if (!path.Exists)
            {
                return await cli.Console.FailAsync(Invalid.Field("FILE", $"There is no file '{path.FullName}'."));
            }

            if (mappingFile is { Exists: false })
            {
                return await cli.Console.FailAsync(Invalid.Field("mapping", $"There is no file '{mappingFile.FullName}'."));
            }

            var import = services.GetRequiredService<ImportLeads>();
            var importer = await import.ImporterAsync(parse.GetValue(organisation), cancellationToken);
            if (importer.Error is { } noOrganisation)
            {
                return await cli.Console.FailAsync(noOrganisation);
            }

            var mappingJson = mappingFile is null ? null : await File.ReadAllTextAsync(mappingFile.FullName, cancellationToken);
            await using var content = new FileStream(path.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var clock = Stopwatch.StartNew();
            var imported = await cli.Console.WithProgressAsync($"Importing {path.Name}", progress => import.HandleAsync(
                new ImportLeadsRequest(path.Name, content, mappingJson, parse.GetValue(allOrNothing)),
                importer.Value,
                progress is null ? null : new Percent(progress),
                cancellationToken));
            if (imported.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            return await SummariseAsync(cli.Console, imported.Value, clock.Elapsed, parse.GetValue(report), cancellationToken);
        }, cancellationToken));

        return new Command("import", "Bring data in from files") { leads, Events(cli) };
    }

    /// <summary><c>leadgate import events FILE</c>: behaviour events, one JSON object per line, as the API takes them.</summary>
    private static Command Events(CliContext cli)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "One event per line, each a JSON object as POST /api/v1/events takes it (externalId, type, email or leadId, occurredAt, properties)" };
        var organisation = new Option<string?>("--org") { Description = "The organisation's slug; may be left out when there is only one" };
        var report = new Option<FileInfo?>("--report") { Description = "Write the bad lines (line, field, reason) to this CSV file instead of stderr" };
        var events = new Command("events", "Record behaviour events from a file, scored as the API's are; running it again records only what is missing") { file, organisation, report };
        events.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                return await cli.Console.FailAsync(Invalid.Field("FILE", $"There is no file '{path.FullName}'."));
            }

            var importer = await services.GetRequiredService<ImportLeads>().ImporterAsync(parse.GetValue(organisation), cancellationToken);
            if (importer.Error is { } noOrganisation)
            {
                return await cli.Console.FailAsync(noOrganisation);
            }

            await using var content = new FileStream(path.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            var clock = Stopwatch.StartNew();
            var imported = await cli.Console.WithProgressAsync($"Recording {path.Name}", progress =>
                services.GetRequiredService<ImportEvents>().HandleAsync(content, importer.Value, progress, cancellationToken));
            if (imported.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var outcome = imported.Value;
            await cli.Console.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"'{path.Name}': {outcome.Lines} lines, {outcome.Stored} events stored, {outcome.Repeats} repeats, {outcome.Conflicts} conflicts, {outcome.CreatedLeads} leads created, {outcome.Qualified} became MQL, {outcome.BadLines} bad lines ({clock.Elapsed.TotalSeconds:0.00} s, {outcome.Events / Math.Max(0.001, clock.Elapsed.TotalSeconds):0} events/s)."));
            await ReportAsync(cli.Console, [.. outcome.Problems.Select(p => new ImportProblemView(p.Line, p.Field, p.Reason, Code: null, Arguments: []))], outcome.BadLines, "lines", parse.GetValue(report), cancellationToken);
            return ExitCodes.Ok;
        }, cancellationToken));
        return events;
    }

    /// <summary>The row report: to a CSV file (line, column, reason) when one is named, else to stderr.</summary>
    private static async Task ReportAsync(CliConsole console, IReadOnlyList<ImportProblemView> problems, long bad, string unit, FileInfo? reportFile, CancellationToken cancellationToken)
    {
        if (problems.Count == 0)
        {
            return;
        }

        if (reportFile is not null)
        {
            await using (var writer = new StreamWriter(reportFile.FullName))
            {
                await ImportPreview.WriteReportAsync(writer, problems, cancellationToken);
            }

            await console.Output.WriteLineAsync($"Row report: {problems.Count} problems in {reportFile.FullName}.");
        }
        else
        {
            foreach (var problem in problems)
            {
                await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"line {problem.Line}, {problem.Column}: {problem.Reason}"));
            }
        }

        if (problems.Count < bad)
        {
            await console.Error.WriteLineAsync($"The report keeps the first {problems.Count} problems; {bad} {unit} were bad.");
        }
    }

    private static async Task<int> SummariseAsync(CliConsole console, ImportOutcome outcome, TimeSpan elapsed, FileInfo? reportFile, CancellationToken cancellationToken)
    {
        var job = outcome.Job;
        var output = console.Output;
        if (outcome.AlreadyImported)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"This file was imported before (import {job.Id}, {job.FinishedAt:yyyy-MM-dd HH:mm} UTC, as '{job.FileName}'): nothing changed."));
            return ExitCodes.Ok;
        }

        if (outcome.Resumed)
        {
            await output.WriteLineAsync("Continued a stopped import of this file where its last saved batch ended.");
        }

        // A continued import did only part of the rows in this run, so its rate would mislead.
        var rate = outcome.Resumed ? "" : string.Create(CultureInfo.InvariantCulture, $", {job.RowsRead / Math.Max(0.001, elapsed.TotalSeconds):0} rows/s");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{job.Format} file '{job.FileName}': {job.RowsRead} rows read, {job.Imported} imported, {job.Updated} updated, {job.Unchanged} unchanged, {job.Bad} bad ({elapsed.TotalSeconds:0.00} s{rate}). Import {job.Id}."));

        await ReportAsync(console, job.Problems, job.Bad, "rows", reportFile, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (job.Status == ImportStatus.Refused)
        {
            await console.Error.WriteLineAsync($"Nothing was imported: {job.Bad} of {job.RowsRead} rows are bad, and --all-or-nothing was given.");
            return ExitCodes.Conflict;
        }

        return ExitCodes.Ok;
    }

    private sealed class Percent(IProgress<int> bar) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => bar.Report(value.Percent);
    }
}
