using Leadgate.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Leadgate.Web.Background;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file on a connection of its own, every 50 ms unless configured, so that
/// no request's commit pays for that copy and its two file syncs: with SQLite's automatic checkpoint, the commit that
/// crossed the threshold did the work while every request in its group waited (bar P2's slowest answers, docs/performance.md).
/// A passive checkpoint never waits for readers or writers; what a busy writer appended meanwhile is copied the next time.
/// The writers' own automatic checkpoint (every 10,000 pages) stays as the backstop, for the CLI and if this one falls behind.
/// Does nothing on PostgreSQL.
/// </summary>
public sealed partial class SqliteCheckpointer(IOptions<DatabaseOptions> options, IConfiguration configuration, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    private const int DefaultMilliseconds = 50;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }

        // Real time, not the app's TimeProvider: this is the file's housekeeping, not a business clock. Every 50 ms keeps the
        // log short, which is what the writer's slowest commits followed (bench http's p99: 27–29 ms every 250 ms, 16–19 ms
        // every 50 ms, the same bytes written; docs/performance.md, P2).
        var every = TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("Database:CheckpointMilliseconds", DefaultMilliseconds), 10, 60_000));
        using var timer = new PeriodicTimer(every);
        await using var connection = new SqliteConnection(options.Value.ResolveConnectionString());
        try
        {
            await connection.OpenAsync(stoppingToken);
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await checkpoint.ExecuteNonQueryAsync(stoppingToken);
                }
                catch (SqliteException exception)
                {
                    // A locked or busy file now is not a failure: the next tick tries again.
                    LogSkipped(logger, exception.SqliteErrorCode);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Background checkpoint skipped (SQLite code {Code}); the next tick tries again")]
    private static partial void LogSkipped(ILogger logger, int code);
}
