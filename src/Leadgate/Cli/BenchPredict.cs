using System.Diagnostics;
using System.Globalization;
using Leadgate.Imports;
using Leadgate.Prediction;

namespace Leadgate.Web.Cli;

/// <summary>
/// <c>leadgate bench predict</c>, bar S1: stratified k-fold cross-validation with a fixed seed of the product's own training
/// procedure (<see cref="ModelTraining.Fit"/>) on a public lead data set, beside a plain logistic regression on the same
/// features and folds in the same run. The data set is read as it is, minus the columns recorded after the outcome.
/// </summary>
internal static class BenchPredict
{
    public sealed record Options(string Data, string Format, int Folds, int Seed);

    /// <summary>A public data set: its label column, the columns left out (ids and the leaky ones), and the values that mean "not known".</summary>
    public sealed record DataFormat(string Name, string Label, IReadOnlyList<string> LeftOut, IReadOnlyList<string> Unknown);

    public static readonly DataFormat XEducation = new(
        "xeducation",
        "Converted",
        // Ids, and the columns sales fills in during or after contact (../shared/data/README.md): Tags alone reaches AUC 0.92.
        ["Prospect ID", "Lead Number", "Tags", "Lead Quality", "Lead Profile", "Asymmetrique Activity Index", "Asymmetrique Profile Index",
         "Asymmetrique Activity Score", "Asymmetrique Profile Score", "Last Notable Activity"],
        ["Select"]);

    // The length of the call is known only once the outcome is.
    public static readonly DataFormat Bank = new("bank", "y", ["duration"], ["unknown"]);

    public static async Task<int> RunAsync(CliContext cli, Options options, CancellationToken cancellationToken)
    {
        var format = options.Format switch
        {
            "xeducation" => XEducation,
            "bank" => Bank,
            _ => null,
        };
        if (format is null || options.Folds < 2 || !File.Exists(options.Data))
        {
            await cli.Console.Error.WriteLineAsync(format is null ? "--format: xeducation or bank."
                : options.Folds < 2 ? "--folds: at least 2." : $"--data: no file '{options.Data}'.");
            return ExitCodes.InvalidInput;
        }

        var clock = Stopwatch.StartNew();
        var (schema, examples) = Read(options.Data, format);
        await BenchReport.PhaseAsync(cli, $"{examples.Count} rows, {examples.Count(e => e.Converted)} converted, {schema.FieldCount} columns ({schema.Categorical.Count} categorical, {schema.Numeric.Count} numeric); {options.Folds}-fold stratified, seed {options.Seed}");
        cancellationToken.ThrowIfCancellationRequested();

        var baseline = ModelTraining.CrossValidatePlainLogistic(schema, examples, options.Folds, options.Seed);
        await BenchReport.PhaseAsync(cli, $"baseline, plain logistic regression: AUC {baseline.Quality.Auc:0.0000}, Brier {baseline.Quality.Brier:0.0000}, log loss {baseline.Quality.LogLoss:0.0000} ({clock.Elapsed.TotalSeconds:0.0} s)");
        cancellationToken.ThrowIfCancellationRequested();

        var progress = new Progress<int>(fold => cli.Console.Error.WriteLine($"bench: fold {fold}/{options.Folds} trained ({clock.Elapsed.TotalSeconds:0.0} s)"));
        var measured = ModelTraining.CrossValidate(schema, examples, options.Folds, options.Seed, new SynchronousProgress(progress));
        var quality = measured.Quality;
        foreach (var (report, fold) in measured.Folds.Select((r, i) => (r, i + 1)))
        {
            await BenchReport.PhaseAsync(cli, $"fold {fold}: inner CV AUC logistic {report.LogisticAuc:0.0000}, trees {report.TreesAuc:0.0000}: {report.Chosen}");
        }

        await BenchReport.PhaseAsync(cli, $"Leadgate (chosen and calibrated per fold): AUC {quality.Auc:0.0000}, Brier {quality.Brier:0.0000}, log loss {quality.LogLoss:0.0000}");
        foreach (var bin in quality.Calibration)
        {
            await BenchReport.PhaseAsync(cli, $"  decile of {bin.Leads}: predicted {bin.MeanPredicted:0.000}, observed {bin.ObservedRate:0.000}");
        }

        var target = format == XEducation ? new { auc = 0.90, brier = (double?)0.13 } : new { auc = 0.78, brier = (double?)null };
        var met = quality.Auc >= target.auc && (target.brier is not { } brier || quality.Brier <= brier);
        return await BenchReport.ResultAsync(cli, new
        {
            bench = "predict",
            format = format.Name,
            rows = examples.Count,
            converted = examples.Count(e => e.Converted),
            columns = schema.FieldCount,
            folds = options.Folds,
            seed = options.Seed,
            auc = BenchReport.Round(quality.Auc, 4),
            brier = BenchReport.Round(quality.Brier, 4),
            logLoss = BenchReport.Round(quality.LogLoss, 4),
            baselineAuc = BenchReport.Round(baseline.Quality.Auc, 4),
            baselineBrier = BenchReport.Round(baseline.Quality.Brier, 4),
            baselineLogLoss = BenchReport.Round(baseline.Quality.LogLoss, 4),
            chosen = measured.Folds.Select(f => f.Chosen.ToString()).ToArray(),
            calibration = quality.Calibration.Select(b => new { leads = b.Leads, predicted = BenchReport.Round(b.MeanPredicted, 4), observed = BenchReport.Round(b.ObservedRate, 4) }).ToArray(),
            target,
            met,
            seconds = BenchReport.Round(clock.Elapsed.TotalSeconds),
        });
    }

    /// <summary>
    /// Reads a data set: every column but the label and the left-out ones is a field; a column whose every known value is a
    /// number is numeric, any other categorical; empty cells and the format's "not known" values are not known.
    /// </summary>
    public static (FeatureSchema Schema, List<Example> Examples) Read(string path, DataFormat format)
    {
        using var reader = new StreamReader(path);
        var csv = new CsvReader(reader);
        var header = csv.Read() ?? throw new InvalidDataException("The file is empty.");
        var names = header.Fields.Select(f => f.Trim()).ToList();
        var label = names.IndexOf(format.Label);
        if (label < 0)
        {
            throw new InvalidDataException($"The file has no column '{format.Label}'.");
        }

        var fields = Enumerable.Range(0, names.Count).Where(i => i != label && names[i].Length > 0 && !format.LeftOut.Contains(names[i])).ToList();
        var rows = new List<(string?[] Values, bool Converted)>();
        while (csv.Read() is { } record)
        {
            if (record.Problem is { } problem)
            {
                throw new InvalidDataException($"line {record.Line}: {problem.Message}");
            }

            var cell = (int i) => i < record.Fields.Count && record.Fields[i].Trim() is { Length: > 0 } v && !format.Unknown.Contains(v) ? v : null;
            var outcome = cell(label) switch
            {
                "1" or "yes" => true,
                "0" or "no" => false,
                _ => throw new InvalidDataException($"line {record.Line}: {format.Label} is neither 1 nor 0."),
            };
            rows.Add(([.. fields.Select(cell)], outcome));
        }

        var numeric = fields.Select((_, f) => rows.All(r => r.Values[f] is null || double.TryParse(r.Values[f]!, NumberStyles.Float, CultureInfo.InvariantCulture, out double _))).ToList();
        var schema = new FeatureSchema(
            [.. fields.Where((_, f) => !numeric[f]).Select(i => names[i])],
            [.. fields.Where((_, f) => numeric[f]).Select(i => names[i])]);
        var examples = rows.Select(r => new Example(
            [.. r.Values.Where((_, f) => !numeric[f])],
            [.. r.Values.Where((_, f) => numeric[f]).Select(v => v is null ? (double?)null : double.Parse(v, CultureInfo.InvariantCulture))],
            r.Converted)).ToList();
        return (schema, examples);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and print out of order).</summary>
    private sealed class SynchronousProgress(Progress<int> inner) : IProgress<int>
    {
        public void Report(int value) => ((IProgress<int>)inner).Report(value);
    }
}
