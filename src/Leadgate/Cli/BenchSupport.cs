using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Leadgate.Accounts;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Leadgate.Web.Cli;

/// <summary>
/// A fresh SQLite file in a temporary folder, migrated (and so in WAL mode) as the product runs it, deleted afterwards.
/// A benchmark never touches the configured database.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "leadgate-bench-" + Guid.NewGuid().ToString("N")[..12]);

    public BenchDatabase()
    {
        Directory.CreateDirectory(_folder);
        ConnectionString = $"Data Source={Path.Combine(_folder, "leadgate.db")}";
    }

    public string ConnectionString { get; }

    /// <summary>The database's own temporary folder, for a benchmark's input files; deleted with it.</summary>
    public string Folder => _folder;

    /// <summary>The verb's configuration switches, then this database (a later switch wins), and never the demo seed.</summary>
    public IReadOnlyList<string> Configuration(CliContext cli) =>
        [.. cli.Configuration, "--Database:Provider=Sqlite", $"--Database:ConnectionString={ConnectionString}", "--Demo:Seed=false"];

    public ValueTask DisposeAsync()
    {
        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp folder's own clean-up.
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The organisation a benchmark writes into, with an integration user (marketing) and its API key.</summary>
internal sealed record BenchTenant(Guid OrganisationId, Actor Actor, string ApiKey)
{
    public const string Slug = "bench";
    private const string Email = "integration@bench.example.com";

    public static async Task<BenchTenant> SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var organisation = Expect(await provider.GetRequiredService<CreateOrganisation>().HandleAsync(Slug, "Benchmark", "EUR", cancellationToken));
        var user = Expect(await provider.GetRequiredService<AddUser>().HandleAsync(Slug, Email, [Roles.Marketing], null, "Benchmark integration", cancellationToken)).User;
        var key = Expect(await provider.GetRequiredService<CreateApiKey>().HandleAsync(Slug, Email, "benchmark", cancellationToken));
        return new BenchTenant(organisation.Id, Actor.ForUser(organisation.Id, user.Id, user.DisplayName, [Roles.Marketing], Channel.Api), key.Secret);
    }

    private static T Expect<T>(Common.Result<T> result) =>
        result.Error is { } error ? throw new InvalidOperationException("Seeding the benchmark organisation failed: " + error.Message) : result.Value;
}

/// <summary>The real app on Kestrel, on a free loopback port, on a benchmark database, with the benchmark organisation.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BenchServer(WebApplication app, Uri address, BenchTenant tenant)
    {
        _app = app;
        Address = address;
        Tenant = tenant;
    }

    public Uri Address { get; }

    public BenchTenant Tenant { get; }

    public static async Task<BenchServer> StartAsync(IReadOnlyList<string> configuration, CancellationToken cancellationToken)
    {
        // The app's name finds its static assets manifest, also when another program (a test host) runs the verb.
        // The benchmarks set their own rate limit, far above what they send, before the caller's switches (which may change it).
        string[] args = ["--RateLimits:Api:PermitLimit=1000000000", .. configuration, $"--applicationName={typeof(Server).Assembly.GetName().Name}", "--urls=http://127.0.0.1:0"];
        var app = await Server.BuildAsync(args, builder =>
        {
            CliServices.LogWarningsToStandardError(builder);
            // Run from a build folder there is no wwwroot, and a throwaway database needs no key encryption: neither is news.
            builder.Services.PostConfigure<LoggerFilterOptions>(filter =>
            {
                filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore.StaticFiles", LogLevel.None, null));
                filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore.DataProtection", LogLevel.None, null));
                // Concurrent requests creating the same company race on its unique index; RecordEvents redoes the losing
                // batch, but EF logs each lost race as an error with a stack trace first (see docs/performance.md, P2).
                filter.Rules.Add(new LoggerFilterRule(null, "Microsoft.EntityFrameworkCore.Update", LogLevel.None, null));
            });
        });
        try
        {
            await app.StartAsync(cancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var tenant = await BenchTenant.SeedAsync(app.Services, cancellationToken);
            return new BenchServer(app, new Uri(address), tenant);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client with the benchmark key and up to <paramref name="connections"/> keep-alive connections.</summary>
    public HttpClient Client(int connections)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseCookies = false })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tenant.ApiKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// Latencies in logarithmic buckets 1% wide, from 1 µs to about an hour: a small HdrHistogram. Safe to record into from
/// many tasks at once; a percentile is the upper edge of its bucket, so it errs by at most 1% on the slow side.
/// </summary>
internal sealed class LatencyHistogram
{
    private const double Growth = 1.01;
    private static readonly double LogGrowth = Math.Log(Growth);
    private readonly long[] _counts = new long[2_300];
    private long _total;
    private long _maxMicroseconds;

    public long Count => Interlocked.Read(ref _total);

    public void Record(TimeSpan latency)
    {
        var microseconds = Math.Max(1L, (long)latency.TotalMicroseconds);
        var bucket = Math.Min(_counts.Length - 1, (int)Math.Ceiling(Math.Log(microseconds) / LogGrowth));
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _total);
        long max;
        while (microseconds > (max = Interlocked.Read(ref _maxMicroseconds)) && Interlocked.CompareExchange(ref _maxMicroseconds, microseconds, max) != max)
        {
        }
    }

    /// <summary>The latency in milliseconds below which <paramref name="percent"/>% of the recorded ones lie; 0 when empty.</summary>
    public double PercentileMilliseconds(double percent)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var wanted = (long)Math.Ceiling(total * percent / 100);
        long seen = 0;
        for (var bucket = 0; bucket < _counts.Length; bucket++)
        {
            seen += Interlocked.Read(ref _counts[bucket]);
            if (seen >= Math.Max(1, wanted))
            {
                return Math.Min(Math.Pow(Growth, bucket), Interlocked.Read(ref _maxMicroseconds)) / 1000;
            }
        }

        return MaxMilliseconds;
    }

    public double MaxMilliseconds => Interlocked.Read(ref _maxMicroseconds) / 1000.0;
}

/// <summary>How a benchmark reports: phases on stderr as they finish, and one line of JSON on stdout at the end.</summary>
internal static class BenchReport
{
    /// <summary>The median of some timings (the mean of the middle two of an even count); 0 of none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Task PhaseAsync(CliContext cli, FormattableString line) =>
        cli.Console.Error.WriteLineAsync("bench: " + line.ToString(CultureInfo.InvariantCulture));

    public static async Task<int> ResultAsync(CliContext cli, object result)
    {
        await cli.Console.Output.WriteLineAsync(JsonSerializer.Serialize(result, Json));
        return ExitCodes.Ok;
    }

    public static double Round(double value, int decimals = 1) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    public static double PerSecond(long count, TimeSpan elapsed) => elapsed > TimeSpan.Zero ? Round(count / elapsed.TotalSeconds) : 0;

    /// <summary>The machine's 1-minute load average when the benchmark started (Linux), to read its figures by: 2 means both cores busy.</summary>
    public static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}

/// <summary>
/// Where an ingestion run spends its time in the database, without touching the product: EF Core's diagnostic events
/// give each command's duration (a reader's from execution until it is closed, materialising included), summed by kind.
/// The rest of the wall time is .NET work: parsing, hashing, change tracking, scoring, JSON.
/// </summary>
internal sealed class BenchProfile : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly Dictionary<string, (int Commands, TimeSpan Time)> _kinds = new(StringComparer.Ordinal);
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Lock _lock = new();

    public BenchProfile() => _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));

    public IReadOnlyList<object> Kinds(TimeSpan wall)
    {
        lock (_lock)
        {
            return [.. _kinds.OrderByDescending(k => k.Value.Time).Select(k => new
            {
                kind = k.Key,
                commands = k.Value.Commands,
                seconds = BenchReport.Round(k.Value.Time.TotalSeconds, 2),
                shareOfWall = wall > TimeSpan.Zero ? BenchReport.Round(k.Value.Time / wall, 3) : 0,
            })];
        }
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name)
        {
            lock (_lock)
            {
                // Only the two command events: without a filter EF raises every diagnostic event (each entity's state
                // change, each detected property change), which costs more than the work being measured.
                _subscriptions.Add(value.Subscribe(this, name => name is "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted" or "Microsoft.EntityFrameworkCore.Database.Command.DataReaderDisposing"));
            }
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        switch (value.Value)
        {
            case DataReaderDisposingEventData reader:
                Add(reader.Command.CommandText, reader.Duration);
                break;
            case CommandExecutedEventData { Result: not DbDataReader } command:
                Add(command.Command.CommandText, command.Duration);
                break;
        }
    }

    internal static string KindOf(string sql) => sql switch
    {
        _ when sql.Contains("INSERT", StringComparison.Ordinal) || sql.Contains("UPDATE", StringComparison.Ordinal) => "save: inserts and updates (SaveChanges)",
        _ when sql.Contains("\"ScoringSettings\"", StringComparison.Ordinal) => "read: scoring model",
        _ when sql.Contains("FROM \"BehaviourEvents\"", StringComparison.Ordinal) && sql.Contains("\"BodyHash\"", StringComparison.Ordinal) => "read: known external ids",
        _ when sql.Contains("FROM \"BehaviourEvents\"", StringComparison.Ordinal) => "read: events of the leads a rule may move",
        _ when sql.Contains("FROM \"Leads\"", StringComparison.Ordinal) => "read: leads a rule may move (with contact and company)",
        _ when sql.Contains("FROM \"Companies\"", StringComparison.Ordinal) => "read: companies by domain",
        _ => "other (authentication, API key, transactions)",
    };

    private void Add(string sql, TimeSpan duration)
    {
        var kind = KindOf(sql);
        lock (_lock)
        {
            var (commands, time) = _kinds.GetValueOrDefault(kind);
            _kinds[kind] = (commands + 1, time + duration);
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _subscriptions.ForEach(s => s.Dispose());
            _subscriptions.Clear();
        }
    }
}

/// <summary>
/// Wall time and this process's CPU time over a phase. On a shared machine the wall time swings with the load; CPU time per
/// event is the steadier figure for comparing a path with its baseline. It also keeps what the garbage collector did in the
/// phase: while it collects, the runtime's other threads are paused, so its pauses are wall time of every thread at once.
/// </summary>
internal sealed class BenchClock
{
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly TimeSpan _cpuAtStart = Environment.CpuUsage.TotalTime;
    private readonly TimeSpan _pausedAtStart = GC.GetTotalPauseDuration();
    private readonly long _allocatedAtStart = GC.GetTotalAllocatedBytes();
    private readonly int _collectionsAtStart = GC.CollectionCount(0);

    private BenchClock()
    {
    }

    public TimeSpan Elapsed => _wall.Elapsed;

    public TimeSpan Cpu { get; private set; }

    /// <summary>The collector's pauses, what was allocated and how many collections ran, over the phase.</summary>
    public object Gc { get; private set; } = new { };

    public static BenchClock Start() => new();

    public void Stop()
    {
        _wall.Stop();
        Cpu = Environment.CpuUsage.TotalTime - _cpuAtStart;
        Gc = new
        {
            pauseSeconds = BenchReport.Round((GC.GetTotalPauseDuration() - _pausedAtStart).TotalSeconds, 3),
            allocatedMB = BenchReport.Round((GC.GetTotalAllocatedBytes() - _allocatedAtStart) / 1e6),
            collections = GC.CollectionCount(0) - _collectionsAtStart,
        };
    }
}

/// <summary>
/// How a benchmark seeds its database fast: one connection without fsync and foreign-key checks, prepared INSERT statements
/// bound by position, a transaction every <c>rowsPerTransaction</c> rows; disposing commits the rest, checkpoints the WAL and
/// runs ANALYZE, as a database that has been in use would have its statistics.
/// </summary>
internal sealed class BenchSeeder : IAsyncDisposable
{
    private readonly List<SqliteCommand> _commands = [];
    private readonly int _rowsPerTransaction;
    private SqliteTransaction? _transaction;
    private int _rows;

    private BenchSeeder(SqliteConnection connection, int rowsPerTransaction)
    {
        Connection = connection;
        _rowsPerTransaction = rowsPerTransaction;
    }

    public SqliteConnection Connection { get; }

    public static async Task<BenchSeeder> OpenAsync(string connectionString, int rowsPerTransaction, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return new BenchSeeder(connection, rowsPerTransaction);
    }

    /// <summary>A prepared INSERT of <paramref name="columns"/> into <paramref name="table"/> (fixed names, never input).</summary>
    public SqliteCommand Insert(string table, string[] columns)
    {
        var command = Connection.CreateCommand();
#pragma warning disable CA2100 // Fixed table and column names, never input.
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
#pragma warning restore CA2100
        foreach (var i in Enumerable.Range(0, columns.Length))
        {
            command.Parameters.Add(new SqliteParameter("$p" + i, null));
        }

        _commands.Add(command);
        return command;
    }

    /// <summary>One row through a prepared INSERT, its values in the statement's column order (null is NULL).</summary>
    public void Row(SqliteCommand command, params object?[] values)
    {
        if (_transaction is null)
        {
            _transaction = Connection.BeginTransaction();
            foreach (var c in _commands)
            {
                c.Transaction = _transaction;
            }
        }

        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
        if (++_rows % _rowsPerTransaction == 0)
        {
            _transaction.Commit();
            _transaction.Dispose();
            _transaction = null;
        }
    }

    /// <summary>The pipeline a stage belongs to, as stored.</summary>
    public async Task<byte[]> PipelineOfAsync(Guid stageId, CancellationToken cancellationToken)
    {
        await using var command = Connection.CreateCommand();
        command.CommandText = "SELECT \"PipelineId\" FROM \"PipelineStages\" WHERE \"Id\" = $id";
        command.Parameters.AddWithValue("$id", Data.SqliteGuids.ToBytes(stageId));
        return (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        _transaction?.Commit();
        _transaction?.Dispose();
        foreach (var c in _commands)
        {
            await c.DisposeAsync();
        }

        await using (var checkpoint = Connection.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;";
            checkpoint.CommandTimeout = 0;
            await checkpoint.ExecuteNonQueryAsync();
        }

        await Connection.DisposeAsync();
    }
}
