using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Leadgate.Common;
using Leadgate.Leads;
using Leadgate.Pipeline;

namespace Leadgate.Web.Cli;

/// <summary><c>leadgate export deals</c>: every deal, streamed to CSV or JSON, with progress on stderr.</summary>
internal static class ExportVerb
{
    private static readonly string[] Columns =
    [
        "id", "leadId", "title", "pipeline", "stage", "status", "value", "currency", "expectedCloseDate", "probability", "probabilitySource",
        "forecastCategory", "ownerId", "owner", "contactEmail", "contactName", "company", "nextStep", "nextStepDueOn", "proposalAmount",
        "wonAmount", "closedOn", "lostReason", "createdAt", "updatedAt", "proposalReference", "competitor",
    ];

    public static Command Create(CliContext cli)
    {
        var organisation = new Option<string?>("--org") { Description = "The organisation's slug; may be left out when there is only one" };
        var pipeline = new Option<string?>("--pipeline") { Description = "Only the deals of the pipeline with this name" };
        var format = new Option<string>("--format") { Description = "csv or json", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<FileInfo?>("--output") { Description = "The file to write; standard output when left out" };
        var deals = new Command("deals", "Export deals (stage, value, probability, forecast category, next step, buyer) as CSV or JSON, streamed")
        {
            organisation, pipeline, format, output,
        };
        deals.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var exporter = await services.GetRequiredService<Imports.ImportLeads>().ImporterAsync(parse.GetValue(organisation), cancellationToken);
            if (exporter.Error is { } noOrganisation)
            {
                return await cli.Console.FailAsync(noOrganisation);
            }

            var export = services.GetRequiredService<ExportDeals>();
            var prepared = await export.PrepareAsync(parse.GetValue(pipeline), exporter.Value, cancellationToken);
            if (prepared.Error is { } invalid)
            {
                return await cli.Console.FailAsync(invalid);
            }

            var file = parse.GetValue(output);
            var (pipelineId, total) = prepared.Value;
            var json = parse.GetValue(format) == "json";
            var written = 0;
            await using (var stream = file is null ? null : new FileStream(file.FullName, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var writer = stream is null ? cli.Console.Output : new StreamWriter(stream, new UTF8Encoding(false));
                var rows = export.StreamAsync(pipelineId, exporter.Value, cancellationToken);
                written = await cli.Console.WithProgressAsync($"Exporting {total:N0} deals", progress =>
                    json ? WriteJsonAsync(writer, rows, total, progress, cancellationToken) : WriteCsvAsync(writer, rows, total, progress, cancellationToken));
                await writer.FlushAsync(cancellationToken);
                if (stream is not null)
                {
                    await writer.DisposeAsync();
                }
            }

            await cli.Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Exported {written:N0} deals{(file is null ? "" : $" to {file.FullName}")}."));
            return ExitCodes.Ok;
        }, cancellationToken));

        return new Command("export", "Write data out to files") { deals };
    }

    private static async Task<int> WriteCsvAsync(TextWriter writer, IAsyncEnumerable<DealExportRow> rows, int total, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        await writer.WriteLineAsync(string.Join(',', Columns));
        var written = 0;
        var line = new StringBuilder();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            line.Clear();
            var values = Values(row);
            for (var i = 0; i < values.Length; i++)
            {
                line.Append(i == 0 ? "" : ",").Append(Csv(values[i]));
            }

            await writer.WriteLineAsync(line, cancellationToken);
            Report(++written, total, progress);
        }

        return written;
    }

    private static async Task<int> WriteJsonAsync(TextWriter writer, IAsyncEnumerable<DealExportRow> rows, int total, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
        await writer.WriteAsync('[');
        var written = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(written == 0 ? "\n" : ",\n");
            await writer.WriteAsync(JsonSerializer.Serialize(row, options));
            Report(++written, total, progress);
        }

        await writer.WriteLineAsync(written == 0 ? "]" : "\n]");
        return written;
    }

    private static void Report(int written, int total, IProgress<int>? progress)
    {
        if (progress is not null && total > 0 && (written % 500 == 0 || written == total))
        {
            progress.Report((int)(100L * written / total));
        }
    }

    private static string?[] Values(DealExportRow r) =>
    [
        r.Id.ToString(), r.LeadId.ToString(), r.Title, r.Pipeline, r.Stage, r.Status.ToString(), Number(r.Value), r.Currency, Date(r.ExpectedCloseDate),
        r.Probability.ToString(CultureInfo.InvariantCulture), r.ProbabilitySource.ToString(), r.ForecastCategory.ToString(), r.OwnerId?.ToString(), r.Owner,
        r.ContactEmail, r.ContactName, r.Company, r.NextStep, r.NextStepDueOn is { } due ? Date(due) : null, r.ProposalAmount is { } p ? Number(p) : null,
        r.WonAmount is { } w ? Number(w) : null, r.ClosedOn is { } c ? Date(c) : null, r.LostReason,
        r.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), r.UpdatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        r.ProposalReference, r.Competitor,
    ];

    private static string Number(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A CSV field: quoted when it holds a separator, quote or line break; a leading = + - @ is defused for spreadsheets.</summary>
    private static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' && !decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n;") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
