using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Leadgate.Common;
using Leadgate.Imports;

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

        return new Command("import", "Bring data in from files") { leads };
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

        if (job.Problems.Count > 0)
        {
            if (reportFile is not null)
            {
                await using (var writer = new StreamWriter(reportFile.FullName))
                {
                    await ImportPreview.WriteReportAsync(writer, job.Problems, cancellationToken);
                }

                await output.WriteLineAsync($"Row report: {job.Problems.Count} problems in {reportFile.FullName}.");
            }
            else
            {
                foreach (var problem in job.Problems)
                {
                    await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"line {problem.Line}, {problem.Column}: {problem.Reason}"));
                }
            }

            if (job.Problems.Count < job.Bad)
            {
                await console.Error.WriteLineAsync($"The report keeps the first {ImportLeads.MaxStoredProblems} problems; {job.Bad} rows were bad.");
            }
        }

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
