using System.Text.Json;
using Leadgate.Web.Cli;
using Microsoft.Data.Sqlite;

namespace Leadgate.Tests.Cli;

/// <summary>
/// The benchmark verbs at tiny sizes: they run the real paths end to end and print one line of JSON with the keys scripts
/// read. Nothing here asserts a speed; the figures belong in docs/performance.md, measured on the reference machine.
/// </summary>
[Collection(RunAlone.Name)]
public sealed class BenchVerbTests(SqliteCliDatabase database) : IClassFixture<SqliteCliDatabase>
{
    [Fact]
    public async Task BenchIngest_StoresEveryEventOnEveryPath_AndPrintsItsFiguresWithTheBaseline()
    {
        var run = (await database.RunAsync("bench", "ingest", "--events", "250", "--leads", "30", "--batch", "50")).Succeeded();

        var json = LastLineAsJson(run);
        Assert.Equal("ingest", json.GetProperty("bench").GetString());
        Assert.Equal(250, json.GetProperty("events").GetInt32());
        Assert.True(json.GetProperty("eventsPerSecond").GetDouble() > 0);
        Assert.True(json.GetProperty("seconds").GetDouble() > 0);
        var paths = json.GetProperty("paths").EnumerateArray().ToList();
        Assert.Equal(3, paths.Count); // the use case in-process, the batch API, the CLI
        Assert.Equal([false, true, true], paths.Select(p => p.GetProperty("bar").GetBoolean()));
        Assert.Contains("leadgate import events", paths[2].GetProperty("name").GetString(), StringComparison.Ordinal);
        // The headline is the slower of the two paths the bar names.
        Assert.Equal(paths.Where(p => p.GetProperty("bar").GetBoolean()).Min(p => p.GetProperty("eventsPerSecond").GetDouble()), json.GetProperty("eventsPerSecond").GetDouble());
        Assert.All(paths, path =>
        {
            Assert.Equal(250, path.GetProperty("stored").GetInt32());
            Assert.Equal(30, path.GetProperty("createdLeads").GetInt32());
        });
        var baseline = json.GetProperty("baseline");
        Assert.Equal("raw ADO.NET prepared batched insert", baseline.GetProperty("name").GetString());
        Assert.Equal(250, baseline.GetProperty("rows").GetInt32());
        Assert.True(baseline.GetProperty("eventsPerSecond").GetDouble() > 0);
        Assert.True(json.GetProperty("ratio").GetDouble() > 0);
        // The ceiling replays exactly what the in-process path wrote: every event and every lead it created.
        var writeSet = json.GetProperty("writeSet");
        Assert.Equal((250, 30), (writeSet.GetProperty("events").GetInt32(), writeSet.GetProperty("leads").GetInt32()));
        Assert.True(writeSet.GetProperty("ratio").GetDouble() > 0);
        Assert.Equal(50_000, json.GetProperty("target").GetProperty("eventsPerSecond").GetDouble());
        Assert.Equal(0.4, json.GetProperty("target").GetProperty("ratio").GetDouble());
        Assert.Contains(json.GetProperty("met").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
    }

    [Fact]
    public async Task BenchIngest_WithoutHttp_MeasuresTheUseCaseAndTheCli()
    {
        var run = (await database.RunAsync("bench", "ingest", "--events", "40", "--leads", "5", "--http", "false")).Succeeded();

        var json = LastLineAsJson(run);
        Assert.Equal([40, 40], json.GetProperty("paths").EnumerateArray().Select(p => p.GetProperty("stored").GetInt32()));
        Assert.Equal(40, json.GetProperty("baseline").GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task RawInsertBaseline_WritesExactlyTheRowsItIsGiven()
    {
        await using var bench = new BenchDatabase();
        await (await CliServices.StartAsync(["--Database:Provider=Sqlite", $"--Database:ConnectionString={bench.ConnectionString}"], TestContext.Current.CancellationToken)).DisposeAsync();
        var organisation = Guid.NewGuid().ToString().ToUpperInvariant();
        var rows = Enumerable.Range(0, 237).Select(i => new object?[]
        {
            Guid.CreateVersion7().ToString().ToUpperInvariant(), organisation, Guid.NewGuid().ToString().ToUpperInvariant(), $"e-{i}", "PageVisit",
            DateTimeOffset.UtcNow.UtcTicks, null, DateTimeOffset.UtcNow.UtcTicks, new string('A', 64),
        }).ToList();

        var (written, _, _) = await BenchIngest.RawInsertAsync(bench.ConnectionString, rows, 100, null, TestContext.Current.CancellationToken);

        Assert.Equal(237, written);
        await using var connection = new SqliteConnection(bench.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM BehaviourEvents";
        Assert.Equal(237L, await count.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task BenchHttp_InProcess_PrintsThroughputLatencyAndErrors()
    {
        var run = (await database.RunAsync("bench", "http", "--seconds", "1", "--connections", "4", "--warmup", "0", "--generator", "inprocess")).Succeeded();

        var json = LastLineAsJson(run);
        Assert.Equal("http", json.GetProperty("bench").GetString());
        Assert.Equal("in-process HttpClient", json.GetProperty("generator").GetString());
        Assert.True(json.GetProperty("requests").GetInt64() > 0);
        Assert.True(json.GetProperty("requestsPerSecond").GetDouble() > 0);
        var latency = json.GetProperty("latencyMs");
        Assert.True(latency.GetProperty("p50").GetDouble() > 0);
        Assert.True(latency.GetProperty("p99").GetDouble() >= latency.GetProperty("p50").GetDouble());
        Assert.Equal(0, json.GetProperty("errors").GetInt64());
        Assert.Equal(5_000, json.GetProperty("target").GetProperty("requestsPerSecond").GetDouble());
        Assert.Equal(25, json.GetProperty("target").GetProperty("p99Ms").GetDouble());
        Assert.True(json.TryGetProperty("met", out _));
    }

    [Fact]
    public async Task BenchFreshness_FollowsEachEventUntilItsLeadShowsTheNewScoreAndStage()
    {
        var run = (await database.RunAsync("bench", "freshness", "--samples", "3")).Succeeded();

        var json = LastLineAsJson(run);
        Assert.Equal("freshness", json.GetProperty("bench").GetString());
        Assert.Equal(3, json.GetProperty("samples").GetInt32());
        Assert.Equal(0, json.GetProperty("notVisible").GetInt32());
        Assert.True(json.GetProperty("visibleMs").GetProperty("p99").GetDouble() > 0);
        Assert.Equal(1_000, json.GetProperty("target").GetProperty("p99Ms").GetDouble());
    }

    [Fact]
    public async Task BenchBoard_SeedsOpenAndClosedDeals_AndTimesTheBoardsQueryAndRender_AgainstARawRead()
    {
        var run = (await database.RunAsync("bench", "board", "--open", "120", "--closed", "300", "--samples", "2")).Succeeded();

        var json = LastLineAsJson(run);
        Assert.Equal("board", json.GetProperty("bench").GetString());
        Assert.Equal((120, 300), (json.GetProperty("openDeals").GetInt32(), json.GetProperty("closedDeals").GetInt32()));
        Assert.True(json.GetProperty("queryMs").GetDouble() > 0);
        Assert.True(json.GetProperty("renderMs").GetDouble() > 0);
        Assert.True(json.GetProperty("htmlMB").GetDouble() > 0);
        Assert.True(json.GetProperty("baseline").GetProperty("ms").GetDouble() > 0);
        Assert.True(json.GetProperty("ratio").GetDouble() > 0);
        Assert.Equal(300, json.GetProperty("target").GetProperty("queryMs").GetDouble());
        Assert.True(json.TryGetProperty("met", out _));
        Assert.Equal(2, (await database.RunAsync("bench", "board", "--samples", "0")).ExitCode);
    }

    [Fact]
    public async Task BenchImport_ImportsTheGeneratedExport_WithDuplicatesFolded_AndPrintsRatePeakMemoryAndTheBaselineOfTheSameRun()
    {
        var run = (await database.RunAsync("bench", "import", "--rows", "300")).Succeeded();

        var json = LastLineAsJson(run);
        Assert.Equal("import", json.GetProperty("bench").GetString());
        Assert.Equal(300, json.GetProperty("rows").GetInt32());
        var people = json.GetProperty("people").GetInt64();
        Assert.InRange(people, 250, 299);
        Assert.Equal(people, json.GetProperty("imported").GetInt64());
        Assert.Equal(0, json.GetProperty("bad").GetInt64());
        Assert.True(json.GetProperty("rowsPerSecond").GetDouble() > 0);
        Assert.True(json.GetProperty("peakMemoryMB").GetDouble() > 0);
        var baseline = json.GetProperty("baseline");
        Assert.Equal(people, baseline.GetProperty("people").GetInt64());
        Assert.True(baseline.GetProperty("rowsPerSecond").GetDouble() > 0);
        Assert.True(json.GetProperty("ratio").GetDouble() > 0);
        Assert.True(json.GetProperty("cpuRatio").GetDouble() > 0);
        Assert.Equal(1_000_000, json.GetProperty("target").GetProperty("rows").GetInt32());
        Assert.False(json.GetProperty("met").GetBoolean());
    }

    [Fact]
    public async Task BenchRescore_RunsTheRealJobOverEveryLead_AndPrintsItsFiguresWithTheBaseline()
    {
        var run = (await database.RunAsync("bench", "rescore", "--leads", "300", "--events", "3000", "--batch", "50")).Succeeded();

        var json = JsonDocument.Parse(run.Output.Trim()).RootElement;
        Assert.Equal("rescore", json.GetProperty("bench").GetString());
        Assert.Equal((300, 3000, 50), (json.GetProperty("leads").GetInt32(), json.GetProperty("events").GetInt32(), json.GetProperty("batchSize").GetInt32()));
        Assert.InRange(json.GetProperty("scoresWritten").GetInt32(), 1, 300);
        Assert.True(json.GetProperty("leadsPerSecond").GetDouble() > 0);
        Assert.True(json.GetProperty("cpuSeconds").GetDouble() > 0);
        var baseline = json.GetProperty("baseline");
        Assert.True(baseline.GetProperty("rowsRead").GetInt64() >= 3000);
        Assert.Equal(300, baseline.GetProperty("leadsUpdated").GetInt32());
        Assert.True(json.GetProperty("ratio").GetDouble() > 0);
        Assert.Equal(120, json.GetProperty("target").GetProperty("seconds").GetDouble());
        Assert.False(json.GetProperty("met").GetBoolean());
    }

    [Fact]
    public async Task BenchWithAnImpossibleSize_IsRefusedWithExitCode2()
    {
        var run = await database.RunAsync("bench", "ingest", "--events", "0");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--events", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void WrkResultLine_IsReadInMilliseconds()
    {
        var load = BenchHttp.ParseWrk("Running 15s test\nleadgate-bench {\"requests\":1500,\"errors\":2,\"durationUs\":15000000,\"p50Us\":4200,\"p90Us\":9000,\"p99Us\":21000,\"maxUs\":40000}\n");

        Assert.Equal(1500, load.Requests);
        Assert.Equal(2, load.Errors);
        Assert.Equal(TimeSpan.FromSeconds(15), load.Elapsed);
        Assert.Equal(4.2, load.P50, 3);
        Assert.Equal(21, load.P99, 3);
    }

    [Fact]
    public void LatencyHistogram_PercentilesAreWithinOnePercentOnTheSlowSide()
    {
        var histogram = new LatencyHistogram();
        for (var ms = 1; ms <= 100; ms++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(ms));
        }

        Assert.InRange(histogram.PercentileMilliseconds(50), 50, 50.5);
        Assert.InRange(histogram.PercentileMilliseconds(99), 99, 100);
        Assert.Equal(100, histogram.MaxMilliseconds);
    }

    [Fact]
    public async Task BenchPredict_CrossValidatesTheProductsTraining_BesideTheBaseline_AndLeavesTheLeakyColumnOut()
    {
        var file = Path.Combine(Path.GetTempPath(), $"bank-{Guid.NewGuid():N}.csv");
        var random = new Random(4);
        var lines = new List<string> { "age;job;duration;campaign;y" };
        for (var i = 0; i < 600; i++)
        {
            var job = new[] { "admin.", "student", "retired", "unknown" }[random.Next(4)];
            var chance = job is "student" or "retired" ? 0.5 : 0.1;
            var y = random.NextDouble() < chance ? 1 : 0;
            // duration gives the answer away, as the real one does: the benchmark must not read it.
            lines.Add($"{random.Next(18, 80)};{job};{(y == 1 ? 900 : 100)};{random.Next(1, 5)};{y}");
        }

        await File.WriteAllLinesAsync(file, lines, TestContext.Current.CancellationToken);
        try
        {
            var run = (await database.RunAsync("bench", "predict", "--data", file, "--format", "bank", "--folds", "3", "--seed", "7")).Succeeded();

            var json = LastLineAsJson(run);
            Assert.Equal("predict", json.GetProperty("bench").GetString());
            Assert.Equal(600, json.GetProperty("rows").GetInt32());
            Assert.Equal(3, json.GetProperty("columns").GetInt32()); // age, job, campaign: not duration, not y
            Assert.InRange(json.GetProperty("auc").GetDouble(), 0.6, 0.95); // perfect only if duration had leaked
            foreach (var key in new[] { "brier", "logLoss", "baselineAuc", "baselineBrier" })
            {
                Assert.True(json.GetProperty(key).GetDouble() > 0, key);
            }

            Assert.Equal(3, json.GetProperty("chosen").GetArrayLength());
            Assert.Equal(0.78, json.GetProperty("target").GetProperty("auc").GetDouble());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task BenchCrash_KillsTheAppUnderLoad_AndEveryAcknowledgedEventIsStoredOnce()
    {
        var run = (await database.RunAsync("bench", "crash", "--cycles", "3", "--clients", "2", "--batch", "5", "--max-load-seconds", "0.6", "--seed", "7")).Succeeded();

        var json = LastLineAsJson(run);
        Assert.Equal("crash", json.GetProperty("bench").GetString());
        Assert.Equal(3, json.GetProperty("cycles").GetInt32());
        Assert.Equal(4, json.GetProperty("checks").GetInt32()); // after each restart, and once more after the last kill
        Assert.True(json.GetProperty("acknowledgedEvents").GetInt32() > 0);
        Assert.True(json.GetProperty("retriedBatches").GetInt64() > 0); // each kill leaves the two clients' batches unanswered
        Assert.Equal(0, json.GetProperty("lost").GetInt64());
        Assert.Equal(0, json.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, json.GetProperty("duplicateContacts").GetInt64());
        Assert.Equal(0, json.GetProperty("integrityFailures").GetInt32());
        Assert.True(json.GetProperty("met").GetBoolean());
    }

    [Fact]
    public async Task BenchReports_TimesTheNineReportsAgainstTheirHandWrittenQueries_WithTheSameNumbers_AndTheServersMemory()
    {
        var run = (await database.RunAsync("bench", "reports", "--leads", "1500", "--samples", "1")).Succeeded();

        var json = LastLineAsJson(run);
        Assert.Equal("reports", json.GetProperty("bench").GetString());
        Assert.Equal(1_500, json.GetProperty("leads").GetInt64());
        Assert.InRange(json.GetProperty("stageEvents").GetInt64(), 1_500 * 3, 1_500 * 7); // about five a lead
        var reports = json.GetProperty("reports");
        Assert.Equal(
            ["cohorts", "forecast", "funnel", "pipeline", "reasons", "response", "sources", "velocity", "win-rate"],
            reports.EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        foreach (var report in reports.EnumerateObject())
        {
            Assert.True(report.Value.GetProperty("ms").GetDouble() > 0, report.Name);
            Assert.True(report.Value.GetProperty("baselineMs").GetDouble() > 0, report.Name);
            Assert.True(report.Value.GetProperty("httpMs").GetDouble() > 0, report.Name);
            // The report's numbers equal the hand-written query's, figure by figure (the bench names any that differ on stderr).
            Assert.True(report.Value.GetProperty("same").GetBoolean(), $"{report.Name}: {run.Error}");
        }

        Assert.True(json.GetProperty("same").GetBoolean());
        Assert.Equal(reports.EnumerateObject().Max(r => r.Value.GetProperty("ms").GetDouble()), json.GetProperty("maxMs").GetDouble());
        Assert.True(json.GetProperty("maxRatio").GetDouble() > 0);
        Assert.InRange(json.GetProperty("rssMB").GetDouble(), 20, 4_000);
        Assert.Equal(250, json.GetProperty("target").GetProperty("ms").GetDouble());
        Assert.Equal(400, json.GetProperty("target").GetProperty("rssMB").GetDouble());
        Assert.Equal(2, (await database.RunAsync("bench", "reports", "--leads", "10")).ExitCode);
    }

    private static JsonElement LastLineAsJson(CliRun run)
    {
        Assert.Single(run.OutputLines);
        using var json = JsonDocument.Parse(run.OutputLines[^1]);
        return json.RootElement.Clone();
    }
}

/// <summary>
/// The benchmarks load the machine on purpose (a Kestrel app, many requests): they run alone, after the parallel tests,
/// so they do not slow other tests into their timeouts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAlone
{
    public const string Name = "Benchmarks run alone";
}

