using System.CommandLine;

namespace Leadgate.Web.Cli;

/// <summary>
/// <c>leadgate bench ingest|http|freshness|rescore|import|board|crash|reports</c>: the performance bars P1–P7 and the crash bar R1 of PRODUCT.md §7 and the board of issue 16, each on fresh
/// temporary SQLite databases (never the configured one), each ending with one line of JSON on stdout: its figures, its
/// baseline where the bar names one, the target and whether it was met. docs/performance.md has the figures.
/// </summary>
internal static class BenchVerbs
{
    public static Command Create(CliContext cli) =>
        new("bench", "Benchmarks for the bars P1–P7, R1 and S1; each prints one line of JSON")
        {
            Ingest(cli), Http(cli), Freshness(cli), Rescore(cli),
            Import(cli), Predict(cli), Board(cli), Crash(cli), Reports(cli),
        };

    private static Command Ingest(CliContext cli)
    {
        var events = new Option<int>("--events") { Description = "How many events to ingest", DefaultValueFactory = _ => 50_000 };
        var batch = new Option<int>("--batch") { Description = "Events per batch (request)", DefaultValueFactory = _ => 100 };
        var leads = new Option<int>("--leads") { Description = "Over how many people (leads) the events are spread", DefaultValueFactory = _ => 10_000 };
        var http = new Option<bool>("--http") { Description = "Also through POST /api/v1/events on Kestrel (--http false to skip)", DefaultValueFactory = _ => true };
        var clients = new Option<int>("--clients") { Description = "How many HTTP clients send requests at once (the in-process path is always one caller)", DefaultValueFactory = _ => 1 };
        var ingest = new Command("ingest", "P1: bulk event ingestion, scored, against a raw ADO.NET batched insert of the same rows") { events, batch, leads, http, clients };
        ingest.SetAction((parse, cancellationToken) => Guarded(cli, () => BenchIngest.RunAsync(
            cli, new BenchIngest.Options(parse.GetValue(events), parse.GetValue(batch), parse.GetValue(leads), parse.GetValue(http), parse.GetValue(clients)), cancellationToken), cancellationToken));
        return ingest;
    }

    private static Command Http(CliContext cli)
    {
        var seconds = new Option<int>("--seconds") { Description = "How long to measure", DefaultValueFactory = _ => 15 };
        var connections = new Option<int>("--connections") { Description = "Concurrent keep-alive connections", DefaultValueFactory = _ => 64 };
        var warmup = new Option<int>("--warmup") { Description = "Seconds of load before measuring", DefaultValueFactory = _ => 3 };
        var leads = new Option<int>("--leads") { Description = "Over how many people (leads) the events are spread", DefaultValueFactory = _ => 10_000 };
        var generator = new Option<string>("--generator") { Description = "auto (wrk when installed), wrk or inprocess", DefaultValueFactory = _ => "auto" };
        generator.AcceptOnlyFromAmong("auto", "wrk", "inprocess");
        var http = new Command("http", "P2: single-event POST /api/v1/events over loopback with many connections") { seconds, connections, warmup, leads, generator };
        http.SetAction((parse, cancellationToken) => Guarded(cli, () => BenchHttp.RunAsync(
            cli, new BenchHttp.Options(parse.GetValue(seconds), parse.GetValue(connections), parse.GetValue(warmup), parse.GetValue(leads), parse.GetValue(generator)!), cancellationToken), cancellationToken));
        return http;
    }

    private static Command Freshness(CliContext cli)
    {
        var samples = new Option<int>("--samples") { Description = "How many events to follow", DefaultValueFactory = _ => 200 };
        var freshness = new Command("freshness", "P3: time from an event's acknowledgement until its lead's new score and stage can be read") { samples };
        freshness.SetAction((parse, cancellationToken) => Guarded(cli, () => BenchFreshness.RunAsync(cli, parse.GetValue(samples), cancellationToken), cancellationToken));
        return freshness;
    }

    private static Command Rescore(CliContext cli)
    {
        var leads = new Option<int>("--leads") { Description = "Leads to seed and rescore (the bar: 1000000)", DefaultValueFactory = _ => 100_000 };
        var events = new Option<int>("--events") { Description = "Behaviour events spread over 90% of the leads (the bar: 10000000)", DefaultValueFactory = _ => 1_000_000 };
        var batch = new Option<int>("--batch") { Description = "Leads per batch of the rescore job", DefaultValueFactory = _ => Leadgate.Scoring.RescoreLeads.DefaultBatchSize };
        var rescore = new Command("rescore", "P4: full rescore after a rule change, against a raw read of the same rows and a raw update of every score") { leads, events, batch };
        rescore.SetAction((parse, cancellationToken) => Guarded(cli, () => BenchRescore.RunAsync(
            cli, parse.GetValue(leads), parse.GetValue(events), parse.GetValue(batch), cancellationToken), cancellationToken));
        return rescore;
    }

    private static Command Import(CliContext cli)
    {
        var rows = new Option<int>("--rows") { Description = "Rows in the generated HubSpot export (the bar: 1000000)", DefaultValueFactory = _ => 100_000 };
        var import = new Command("import", "P5: CSV import with de-duplication, rows per second and peak memory") { rows };
        import.SetAction((parse, cancellationToken) => Guarded(cli, () => BenchImport.RunAsync(cli, parse.GetValue(rows), cancellationToken), cancellationToken));
        return import;
    }

    private static Command Predict(CliContext cli)
    {
        var data = new Option<string>("--data") { Description = "The data set's CSV file (../shared/data/x-education-leads.csv or bank-marketing.csv)", Required = true };
        var format = new Option<string>("--format") { Description = "xeducation or bank", Required = true };
        format.AcceptOnlyFromAmong("xeducation", "bank");
        var folds = new Option<int>("--folds") { Description = "Folds of the stratified cross-validation", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the folds and the trainers", DefaultValueFactory = _ => 42 };
        var predict = new Command("predict", "S1: cross-validated AUC, Brier and log loss of predictive scoring on a public lead data set, beside a plain logistic regression") { data, format, folds, seed };
        predict.SetAction((parse, cancellationToken) => Guarded(cli, () => BenchPredict.RunAsync(
            cli, new BenchPredict.Options(parse.GetValue(data)!, parse.GetValue(format)!, parse.GetValue(folds), parse.GetValue(seed)), cancellationToken), cancellationToken));
        return predict;
    }

    private static Command Board(CliContext cli)
    {
        var open = new Option<int>("--open") { Description = "Open deals on the board", DefaultValueFactory = _ => 10_000 };
        var closed = new Option<int>("--closed") { Description = "Won and lost deals beside them", DefaultValueFactory = _ => 100_000 };
        var samples = new Option<int>("--samples") { Description = "Warm runs of the query and of the render (the medians are reported)", DefaultValueFactory = _ => 10 };
        var board = new Command("board", "Issue 16: the pipeline board's data query and server render, warm, against a raw read of the same deals") { open, closed, samples };
        board.SetAction((parse, cancellationToken) => Guarded(cli, () => BenchBoard.RunAsync(
            cli, parse.GetValue(open), parse.GetValue(closed), parse.GetValue(samples), cancellationToken), cancellationToken));
        return board;
    }

    private static Command Crash(CliContext cli)
    {
        var cycles = new Option<int>("--cycles") { Description = "Kill and restart cycles (the bar's figure: 200)", DefaultValueFactory = _ => 20 };
        var clients = new Option<int>("--clients") { Description = "Clients sending batches at once", DefaultValueFactory = _ => 4 };
        var batch = new Option<int>("--batch") { Description = "Events per batch (request)", DefaultValueFactory = _ => 20 };
        var maxLoad = new Option<double>("--max-load-seconds") { Description = "The kill comes at a random moment within this many seconds of load", DefaultValueFactory = _ => 2.0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the kill moments", DefaultValueFactory = _ => 42 };
        var crash = new Command("crash", "R1: kill -9 under ingestion load, restart, retry; no acknowledged event lost or stored twice, integrity_check ok") { cycles, clients, batch, maxLoad, seed };
        crash.SetAction((parse, cancellationToken) => Guarded(cli, () => BenchCrash.RunAsync(
            cli, new BenchCrash.Options(parse.GetValue(cycles), parse.GetValue(clients), parse.GetValue(batch), parse.GetValue(maxLoad), parse.GetValue(seed)), cancellationToken), cancellationToken));
        return crash;
    }

    private static Command Reports(CliContext cli)
    {
        var leads = new Option<int>("--leads") { Description = "Leads to seed, with about five stage events each and their deals (the bar: 1000000)", DefaultValueFactory = _ => 1_000_000 };
        var samples = new Option<int>("--samples") { Description = "Warm runs of each report and of its hand-written query (the medians are reported)", DefaultValueFactory = _ => 5 };
        var covering = new Option<bool>("--covering-index") { Description = "Create a covering index on the stage events by hand in the bench database first (an experiment; not in the product's schema)" };
        var reports = new Command("reports", "P6, P7: the nine reports, warm, against a hand-written SQL query of the same numbers; and the server's resident memory while they run") { leads, samples, covering };
        reports.SetAction((parse, cancellationToken) => Guarded(cli, () => BenchReports.RunAsync(
            cli, new BenchReports.Options(parse.GetValue(leads), parse.GetValue(samples), parse.GetValue(covering)), cancellationToken), cancellationToken));
        return reports;
    }

    /// <summary>A benchmark composes its own services on its own databases; an unexpected failure is exit code 1 with a message.</summary>
    private static async Task<int> Guarded(CliContext cli, Func<Task<int>> benchmark, CancellationToken cancellationToken)
    {
        try
        {
            return await benchmark();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await cli.Console.Error.WriteLineAsync("Cancelled; the benchmark's temporary databases are removed.");
            return ExitCodes.Unexpected;
        }
#pragma warning disable CA1031 // As in CliServices: a benchmark's unexpected failure becomes exit code 1 with a message, not a stack trace.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await cli.Console.Error.WriteLineAsync($"leadgate bench: unexpected error ({exception.GetType().Name}): {exception.Message}");
            return ExitCodes.Unexpected;
        }
    }
}
