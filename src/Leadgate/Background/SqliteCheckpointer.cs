using System.Collections.Concurrent;
using Leadgate.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;

namespace Leadgate.Web.Background;

/// <summary>
/// Copies SQLite's write-ahead log back into the database file on a connection of its own, every 50 ms unless configured,
/// and then flushes the database file to disk, so that the writers' own checkpoints find almost nothing left to do
/// (docs/performance.md, P2).
/// <list type="bullet">
/// <item>A passive checkpoint never waits for readers or writers. While a writer is busy it rarely reaches the end of the
/// log, and SQLite flushes the database file only after a checkpoint that did: the pages it copied stayed dirty in the
/// operating system's cache.</item>
/// <item>SQLite starts the log again from its beginning only after a checkpoint that reached its end, so under load a
/// writer's own checkpoint, every 10,000 pages, is still the one that restarts it. It reaches the end, and it used to flush
/// everything the passive ones had copied since the last restart: 40 MB, in a commit of about 45 ms that 64 waiting
/// requests shared (bench http after a minute of load: p99 40–52 ms).</item>
/// <item>Flushed here after every pass that copied pages, that checkpoint has only the last few pages to copy and flush.
/// The flush waits on this connection's thread, not on a writer's.</item>
/// </list>
/// Does nothing on PostgreSQL.
/// </summary>
public sealed partial class SqliteCheckpointer(IOptions<DatabaseOptions> options, IConfiguration configuration, ILogger<SqliteCheckpointer> logger) : BackgroundService
{
    private const int DefaultMilliseconds = 50;

    /// <summary>
    /// One read-only handle per database file, opened on first use and kept until the process ends: closing any handle on a
    /// file drops every POSIX lock the process holds on it, SQLite's included, and another process could then take the
    /// database for unused (SQLite's "posix advisory locks" caveat). So it is never closed, and a host started again on the
    /// same file in the same process (as the tests do) reuses it.
    /// </summary>
    private static readonly ConcurrentDictionary<string, SafeFileHandle> Files = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Provider != DatabaseProvider.Sqlite)
        {
            return;
        }

        // Real time, not the app's TimeProvider: this is the file's housekeeping, not a business clock. Every 50 ms keeps what
        // is not yet copied short (bench http's p99 on a fresh database: 27–29 ms every 250 ms, 16–19 ms every 50 ms, the
        // same bytes written; docs/performance.md, P2).
        var every = TimeSpan.FromMilliseconds(Math.Clamp(configuration.GetValue("Database:CheckpointMilliseconds", DefaultMilliseconds), 10, 60_000));
        using var timer = new PeriodicTimer(every);
        await using var connection = new SqliteConnection(options.Value.ResolveConnectionString());
        try
        {
            await connection.OpenAsync(stoppingToken);
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            var file = DatabaseFile(connection);
            var last = new CheckpointPass(0, 0);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    CheckpointPass pass;
                    await using (var reader = await checkpoint.ExecuteReaderAsync(stoppingToken))
                    {
                        // One row: whether the checkpoint was blocked, the pages in the log, and how many of them are in the file.
                        await reader.ReadAsync(stoppingToken);
                        pass = reader.GetInt64(0) == 0 ? new CheckpointPass(reader.GetInt64(1), reader.GetInt64(2)) : last;
                    }

                    if (file is not null && pass.CopiedSince(last))
                    {
                        try
                        {
                            RandomAccess.FlushToDisk(file);
                        }
                        catch (IOException exception)
                        {
                            // SQLite's own flushes still protect the data; only the writers' checkpoints get slower.
                            LogFlushFailed(logger, exception);
                            file = null;
                        }
                    }

                    last = pass;
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

    /// <summary>
    /// The handle to flush with, on Linux, where a read-only handle can be flushed (Windows requires write access); null
    /// elsewhere and for an in-memory database, where only SQLite's own flushes happen.
    /// </summary>
    private SafeFileHandle? DatabaseFile(SqliteConnection connection)
    {
        if (!OperatingSystem.IsLinux() || connection.DataSource is not { Length: > 0 } path || !File.Exists(path))
        {
            return null;
        }

        try
        {
            return Files.GetOrAdd(Path.GetFullPath(path), full => File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Copying goes on without the flush, as on other systems.
            LogFlushFailed(logger, exception);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Background checkpoint skipped (SQLite code {Code}); the next tick tries again")]
    private static partial void LogSkipped(ILogger logger, int code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database file cannot be flushed after background checkpoints; that is left to SQLite's own checkpoints from now on")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}

/// <summary>What a passive checkpoint reported: the pages in the log, and how many of them are in the database file.</summary>
public readonly record struct CheckpointPass(long Log, long Copied)
{
    /// <summary>
    /// Whether this pass copied pages: more of the log is in the file than after <paramref name="previous"/>, or the log has
    /// started again since then and some of the new one is.
    /// </summary>
    public bool CopiedSince(CheckpointPass previous) => Copied > 0 && (Copied != previous.Copied || Log < previous.Log);
}
