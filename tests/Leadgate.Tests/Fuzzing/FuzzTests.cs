using System.Text.Json;
using Leadgate.Tests.Cli;
using Leadgate.Web.Cli;

namespace Leadgate.Tests.Fuzzing;

/// <summary>
/// R7's short deterministic run: each fuzzer replays its saved corpus (starting inputs and every crash found so far, each
/// the regression test of its bug) and then mutates with a fixed seed for a few seconds. The ten-minute runs are in
/// docs/fuzzing.md.
/// </summary>
[Collection(RunAlone.Name)]
public sealed class FuzzTests(SqliteCliDatabase database) : IClassFixture<SqliteCliDatabase>, IDisposable
{
    private readonly string _crashes = Path.Combine(Path.GetTempPath(), "leadgate-fuzz-" + Guid.NewGuid().ToString("N")[..12]);

    [Theory]
    [InlineData("csv")]
    [InlineData("webhook")]
    public async Task AShortRunFromTheSavedCorpus_FindsNoCrash(string target)
    {
        var corpus = Path.Combine(AppContext.BaseDirectory, "Fuzzing", "fuzz-corpus", target);

        var run = await database.RunAsync("fuzz", target, "--seconds", "4", "--seed", "20261122", "--corpus", corpus, "--crashes", _crashes);

        var json = JsonDocument.Parse(run.OutputLines[^1]).RootElement;
        Assert.True(json.GetProperty("crashes").GetInt64() == 0, "Crashes: " + json.GetProperty("distinctCrashes"));
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(target, json.GetProperty("fuzz").GetString());
        Assert.Equal(Directory.GetFiles(corpus).Length + 2 + (target == "webhook" ? 1 : 0), json.GetProperty("startingInputs").GetInt32());
        Assert.True(json.GetProperty("executions").GetInt64() > json.GetProperty("startingInputs").GetInt64(), "The run never got past the corpus.");
        Assert.True(json.GetProperty("outcomes").GetInt32() > 3, "Every input ended the same way: the mutations do not reach the parser.");
        Assert.False(Directory.Exists(_crashes));
    }

    [Fact]
    public async Task AnExceptionOrABrokenContract_IsACrash_AndItsInputIsSaved()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var cli = new CliContext(new CliConsole(output, error, interactive: false), ["--environment=Testing"]);

        var exit = await FuzzVerb.RunAsync(cli, new Breaking(), new FuzzVerb.FuzzOptions(1, 5, null, new DirectoryInfo(_crashes), 5), TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        var json = JsonDocument.Parse(output.ToString().Trim().Split('\n')[^1]).RootElement;
        Assert.True(json.GetProperty("crashes").GetInt64() >= 2);
        var distinct = json.GetProperty("distinctCrashes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Contains(distinct, c => c.StartsWith("FormatException in Breaking.RunAsync: bad byte", StringComparison.Ordinal));
        Assert.Contains("the contract says no", distinct);
        Assert.Contains(Directory.GetFiles(_crashes), f => File.ReadAllBytes(f) is [(byte)'!', ..]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_crashes))
        {
            Directory.Delete(_crashes, recursive: true);
        }
    }

    /// <summary>Throws on an input starting with '!', breaks its contract on one starting with '?'.</summary>
    private sealed class Breaking : FuzzTarget
    {
        public override string Name => "breaking";

        public override string Extension => ".txt";

        public override int MaxInputBytes => 64;

        public override IReadOnlyList<byte[]> Tokens { get; } = [[(byte)'!'], [(byte)'?']];

        public override IEnumerable<byte[]> Seeds() => ["fine"u8.ToArray(), "!boom"u8.ToArray(), "?odd"u8.ToArray()];

        public override Task<FuzzVerdict> RunAsync(IServiceProvider services, byte[] input, CancellationToken cancellationToken) => input switch
        {
            [(byte)'!', ..] => throw new FormatException("bad byte"),
            [(byte)'?', ..] => Task.FromResult(FuzzVerdict.Broken("odd", "the contract says no")),
            _ => Task.FromResult(FuzzVerdict.Fine(input.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        };
    }
}
