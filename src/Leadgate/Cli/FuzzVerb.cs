using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Leadgate.Web.Cli;

/// <summary>
/// <c>leadgate fuzz csv|webhook</c>: bar R7 (PRODUCT.md §7). A mutation-based fuzzer that starts from real inputs (export
/// files, signed webhook bodies, and any saved corpus) and feeds mutated copies to the real use cases on a fresh temporary
/// SQLite database. A crash is an exception, a run longer than the time-out (a hang), or a result the use case's contract
/// does not allow (<see cref="FuzzTarget"/> says which). Crashing inputs are saved; the run ends with one line of JSON.
/// docs/fuzzing.md describes it.
/// </summary>
internal static class FuzzVerb
{
    /// <summary>The pool stops growing here, so a long run's memory stays flat.</summary>
    private const long MaxPoolBytes = 64 * 1024 * 1024;

    public static Command Create(CliContext cli)
    {
        var fuzz = new Command("fuzz", "Fuzz the CSV importer, the outreach webhook (bar R7) or every operation of the HTTP API; prints progress and one line of JSON");
        fuzz.Subcommands.Add(Target(cli, "csv", "The CSV importer: reader, column mapping, row validation and the import itself", () => new CsvFuzzTarget()));
        fuzz.Subcommands.Add(Target(cli, "webhook", "The outreach webhook: signature check and body parser", () => new WebhookFuzzTarget()));
        fuzz.Subcommands.Add(FuzzApi.Create(cli));
        return fuzz;
    }

    private static Command Target(CliContext cli, string name, string description, Func<FuzzTarget> target)
    {
        var seconds = new Option<int>("--seconds") { Description = "How long to fuzz", DefaultValueFactory = _ => 60 };
        var seed = new Option<int?>("--seed") { Description = "The random seed (a run with the same seed and corpus mutates the same way); random when left out" };
        var corpus = new Option<DirectoryInfo?>("--corpus") { Description = "A folder of extra starting inputs (*.csv or *.json), such as saved crashes; each is run unmutated first" };
        var crashes = new Option<DirectoryInfo>("--crashes") { Description = "Where crashing inputs are saved", DefaultValueFactory = _ => new DirectoryInfo("fuzz-crashes") };
        var timeout = new Option<int>("--timeout") { Description = "Seconds one input may take before it counts as a hang", DefaultValueFactory = _ => 20 };
        var command = new Command(name, description) { seconds, seed, corpus, crashes, timeout };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new FuzzOptions(
                parse.GetValue(seconds), parse.GetValue(seed) ?? RandomNumberGenerator.GetInt32(int.MaxValue), parse.GetValue(corpus), parse.GetValue(crashes)!, parse.GetValue(timeout));
            return RunAsync(cli, target(), options, cancellationToken);
        });
        return command;
    }

    internal sealed record FuzzOptions(int Seconds, int Seed, DirectoryInfo? Corpus, DirectoryInfo Crashes, int TimeoutSeconds);

    internal static async Task<int> RunAsync(CliContext cli, FuzzTarget target, FuzzOptions options, CancellationToken cancellationToken)
    {
        if (options.Seconds < 1 || options.TimeoutSeconds < 1)
        {
            await cli.Console.Error.WriteLineAsync("--seconds and --timeout must be at least 1.");
            return ExitCodes.InvalidInput;
        }

        if (options.Corpus is { Exists: false })
        {
            await cli.Console.Error.WriteLineAsync($"There is no folder '{options.Corpus.FullName}'.");
            return ExitCodes.InvalidInput;
        }

        var loadAverage = BenchReport.LoadAverage();
        await using var database = new BenchDatabase();
        await using var app = await CliServices.StartAsync(database.Configuration(cli), cancellationToken);
        await target.PrepareAsync(app.Services, cancellationToken);

        var random = new Random(options.Seed);
        var saved = options.Corpus?.EnumerateFiles("*" + target.Extension).OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => File.ReadAllBytes(f.FullName)).ToList() ?? [];
        var seeds = target.Seeds().Concat(saved).ToList();
        var pool = new List<byte[]>(seeds);
        var poolBytes = seeds.Sum(s => (long)s.Length);
        var outcomes = new HashSet<string>(StringComparer.Ordinal);
        var crashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var crashFiles = new List<string>();
        long executions = 0, crashCount = 0, hangs = 0;
        var clock = BenchClock.Start();
        var deadline = TimeSpan.FromSeconds(options.Seconds);
        var nextProgress = TimeSpan.FromSeconds(5);
        await cli.Console.Error.WriteLineAsync($"fuzz {target.Name}: seed {options.Seed}, {seeds.Count} starting inputs ({saved.Count} from the corpus), {options.Seconds} s");

        while (clock.Elapsed < deadline && !cancellationToken.IsCancellationRequested)
        {
            // Every starting input runs once as it is (a saved crash replays exactly), then mutated copies of the pool.
            var input = executions < seeds.Count ? seeds[(int)executions] : FuzzMutator.Mutate(random, pool, target);
            executions++;
            var verdict = await ExecuteAsync(target, app.Services, input, TimeSpan.FromSeconds(options.TimeoutSeconds), cancellationToken);
            if (verdict.Crash is { } crash)
            {
                crashCount++;
                var file = Save(options.Crashes, target, input);
                if (crashes.TryAdd(crash, file))
                {
                    crashFiles.Add(file);
                    await cli.Console.Error.WriteLineAsync($"fuzz {target.Name}: CRASH ({file}): {crash}");
                }

                if (verdict.Hang)
                {
                    // The hung run still holds its scope and may hold the database: stop here.
                    hangs++;
                    break;
                }
            }
            else if (outcomes.Add(verdict.Outcome) && pool.Count < 2_000 && poolBytes + input.Length <= MaxPoolBytes)
            {
                // An input that reached an outcome not seen before is worth mutating further.
                pool.Add(input);
                poolBytes += input.Length;
            }

            if (clock.Elapsed >= nextProgress)
            {
                nextProgress += TimeSpan.FromSeconds(5);
                await cli.Console.Error.WriteLineAsync(FormattableString.Invariant(
                    $"fuzz {target.Name}: {clock.Elapsed.TotalSeconds:0} s, {executions:N0} executions ({executions / clock.Elapsed.TotalSeconds:0}/s), {crashCount} crashes, {outcomes.Count} outcomes, pool {pool.Count}"));
            }
        }

        clock.Stop();
        await BenchReport.ResultAsync(cli, new
        {
            fuzz = target.Name,
            seed = options.Seed,
            seconds = BenchReport.Round(clock.Elapsed.TotalSeconds, 1),
            executions,
            executionsPerSecond = BenchReport.PerSecond(executions, clock.Elapsed),
            cpuSeconds = BenchReport.Round(clock.Cpu.TotalSeconds, 1),
            crashes = crashCount,
            hangs,
            distinctCrashes = crashes.Keys.ToList(),
            crashFiles,
            startingInputs = seeds.Count,
            outcomes = outcomes.Count,
            pool = pool.Count,
            loadAverage,
        });
        return crashCount == 0 ? ExitCodes.Ok : ExitCodes.Unexpected;
    }

    private static async Task<FuzzVerdict> ExecuteAsync(FuzzTarget target, IServiceProvider services, byte[] input, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var run = Task.Run(async () =>
        {
            await using var scope = services.CreateAsyncScope();
            try
            {
                return await target.RunAsync(scope.ServiceProvider, input, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return new FuzzVerdict("cancelled", null);
            }
#pragma warning disable CA1031 // Any exception is what the fuzzer looks for: it becomes a crash report, not the end of the run.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                var frame = new StackTrace(exception, fNeedFileInfo: false).GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("Leadgate", StringComparison.Ordinal) == true);
                var where = frame?.GetMethod() is { } method ? $" in {method.DeclaringType?.Name}.{method.Name}" : "";
                return new FuzzVerdict("exception", $"{exception.GetType().Name}{where}: {exception.Message}");
            }
        }, CancellationToken.None);
        var finished = await Task.WhenAny(run, Task.Delay(timeout, cancellationToken));
        return finished == run ? await run
            : cancellationToken.IsCancellationRequested ? new FuzzVerdict("cancelled", null)
            : new FuzzVerdict("hang", $"hang: no answer within {timeout.TotalSeconds:0} s", Hang: true);
    }

    private static string Save(DirectoryInfo folder, FuzzTarget target, byte[] input)
    {
        folder.Create();
        var path = Path.Combine(folder.FullName, $"{target.Name}-{Convert.ToHexStringLower(SHA256.HashData(input))[..16]}{target.Extension}");
        File.WriteAllBytes(path, input);
        return path;
    }
}

/// <summary>What one input did: a short name of the outcome (new ones grow the pool), and the crash when it broke the contract.</summary>
internal sealed record FuzzVerdict(string Outcome, string? Crash, bool Hang = false)
{
    public static FuzzVerdict Fine(string outcome) => new(outcome, null);

    public static FuzzVerdict Broken(string outcome, string crash) => new(outcome, crash);
}

/// <summary>One thing to fuzz: its starting inputs, the tokens worth inserting, and how one input is run and judged.</summary>
internal abstract class FuzzTarget
{
    public abstract string Name { get; }

    public abstract string Extension { get; }

    public abstract int MaxInputBytes { get; }

    /// <summary>Fragments that mean something to the parser (delimiters, quotes, keywords), inserted by the mutator.</summary>
    public abstract IReadOnlyList<byte[]> Tokens { get; }

    public virtual Task PrepareAsync(IServiceProvider services, CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract IEnumerable<byte[]> Seeds();

    public abstract Task<FuzzVerdict> RunAsync(IServiceProvider services, byte[] input, CancellationToken cancellationToken);
}
