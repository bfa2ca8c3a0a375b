using Leadgate.Data;
using Leadgate.Tests.Infrastructure;
using Leadgate.Web.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;

namespace Leadgate.Tests.Cli;

/// <summary>What a verb printed and returned.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public IReadOnlyList<string> OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public CliRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"Exit code {ExitCode}; stderr: {Error}");
        return this;
    }
}

/// <summary>
/// A database of its own, and the `leadgate` command run in-process against it, configured the way an operator would:
/// with <c>--Database:Provider=…</c> and <c>--Database:ConnectionString=…</c> switches.
/// </summary>
public abstract class CliDatabase : IAsyncLifetime
{
    private string? _connectionString;

    public abstract DatabaseProvider Provider { get; }

    protected abstract Task<string> CreateDatabaseAsync();

    public async ValueTask InitializeAsync() => _connectionString = await CreateDatabaseAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private IReadOnlyList<string> Configuration =>
    [
        "--environment=Testing",
        $"--Database:Provider={Provider}",
        $"--Database:ConnectionString={_connectionString ?? throw new InvalidOperationException("The database is made first.")}",
    ];

    public async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await LeadgateCli.RunAsync([.. args, .. Configuration], new CliConsole(output, error, interactive: false), TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine($"leadgate {string.Join(' ', args)} → {exitCode}\n{output}{error}");
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The app's services on the same database, to look at what a verb did.</summary>
    public Task<WebApplication> ServicesAsync() => CliServices.StartAsync(Configuration, TestContext.Current.CancellationToken);
}

public sealed class SqliteCliDatabase : CliDatabase
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "leadgate-cli-" + Guid.NewGuid().ToString("N")[..12]);

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override Task<string> CreateDatabaseAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult($"Data Source={Path.Combine(_folder, "leadgate.db")}");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp folder's own clean-up.
        }
    }
}

public sealed class PostgresCliDatabase(PostgresServer server) : CliDatabase
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    protected override Task<string> CreateDatabaseAsync() =>
        server.CreateDatabaseAsync("leadgate_cli_" + Guid.NewGuid().ToString("N")[..16]);
}
