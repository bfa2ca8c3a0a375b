using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Imports;
using Microsoft.Extensions.Options;

namespace Leadgate.Web.Background;

/// <summary>The "Imports" configuration section: where uploaded files wait for their import, and how big one may be.</summary>
public sealed class ImportOptions
{
    public const string Section = "Imports";

    /// <summary>Empty: a folder <c>imports</c> in <c>Database:DataFolder</c>. Instances that share a database share this folder too.</summary>
    public string? Folder { get; set; }

    [Range(1, 10_000)]
    public int MaxUploadMegabytes { get; set; } = 100;
}

/// <summary>A file stored for import: the name it was uploaded as, its SHA-256 (how the import recognises it) and its size.</summary>
public sealed record StoredUpload(string FileName, string ContentHash, long Bytes);

/// <summary>An import this instance is running or has just finished: how far it is, and how it ended.</summary>
public sealed class ImportRun(Guid organisationId, string fileName, string contentHash, DateTimeOffset startedAt) : IProgress<ImportProgress>
{
    private long _rows;
    private int _percent = -1;

    public Guid OrganisationId { get; } = organisationId;

    public string FileName { get; } = fileName;

    public string ContentHash { get; } = contentHash;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>The share of the file done, 0–100; -1 until the first batch is saved (reading, hashing, the all-or-nothing check).</summary>
    public int Percent => Volatile.Read(ref _percent);

    public bool Finished { get; private set; }

    public ImportOutcome? Outcome { get; private set; }

    public Error? Error { get; private set; }

    public void Report(ImportProgress value)
    {
        Interlocked.Exchange(ref _rows, value.Rows);
        Volatile.Write(ref _percent, value.Percent);
    }

    internal void End(ImportOutcome? outcome, Error? error)
    {
        (Outcome, Error) = (outcome, error);
        Finished = true;
    }
}

/// <summary>
/// Runs imports started from the UI in the background of this instance, through the same <see cref="ImportLeads"/> the API
/// and the command line use. An uploaded file is streamed to a folder (never held in memory) under its SHA-256, so an import
/// interrupted by a restart is continued by running the same file again: <see cref="ImportLeads"/> finds the stopped job by
/// that hash and carries on after its last saved batch. A finished import's file is deleted; so is an upload nobody imports
/// within 7 days (as is the file of an interrupted import nobody continues).
/// </summary>
public sealed partial class ImportRunner(
    IServiceScopeFactory scopes, IOptions<ImportOptions> options, IOptions<DatabaseOptions> database, IHostApplicationLifetime lifetime,
    TimeProvider clock, ILogger<ImportRunner> logger)
{
    private static readonly TimeSpan KeepUnused = TimeSpan.FromDays(7);
    private static readonly TimeSpan KeepFinished = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<(Guid, string), ImportRun> _runs = new();

    public long MaxUploadBytes => options.Value.MaxUploadMegabytes * 1024L * 1024L;

    public int MaxUploadMegabytes => options.Value.MaxUploadMegabytes;

    /// <summary>Streams an upload into the import folder while hashing it; refused above <see cref="MaxUploadBytes"/>.</summary>
    public async Task<Result<StoredUpload>> StoreAsync(Actor actor, string fileName, Stream upload, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        var folder = FolderOf(actor.OrganisationId);
        Directory.CreateDirectory(folder);
        RemoveStale(folder);
        var part = Path.Combine(folder, $"upload-{Guid.NewGuid():N}.part");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long bytes = 0;
            await using (var file = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await upload.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    bytes += read;
                    if (bytes > MaxUploadBytes)
                    {
                        return TooBig();
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    progress?.Report(bytes);
                }
            }

            var contentHash = Convert.ToHexStringLower(hash.GetHashAndReset());
            File.Move(part, PathOf(actor.OrganisationId, contentHash), overwrite: true);
            return new StoredUpload(Path.GetFileName(fileName.Trim()), contentHash, bytes);
        }
        finally
        {
            File.Delete(part);
        }
    }

    public Invalid TooBig() =>
        Invalid.Field("file", $"The file is larger than {MaxUploadMegabytes} MB. Split it, or import it with the command line (leadgate import leads), which takes files of any size.");

    /// <summary>The header of a stored upload, and how the import would map it (the given mapping file, or the recognised export).</summary>
    public (IReadOnlyList<string> Columns, Result<ImportMapping> Mapping) Preview(Guid organisationId, string contentHash, string? mappingJson)
    {
        using var content = File.OpenRead(PathOf(organisationId, contentHash));
        return (ImportPreview.Columns(content), ImportPreview.Map(content, mappingJson));
    }

    /// <summary>
    /// Starts (or, for the file of a stopped import, continues) the import of a stored upload in the background; its progress is
    /// <see cref="RunOf"/>. Refused while the same file is being imported on this instance.
    /// </summary>
    public Result<ImportRun> Start(Actor actor, string fileName, string contentHash, string? mappingJson, bool allOrNothing)
    {
        if (Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        var path = PathOf(actor.OrganisationId, contentHash);
        if (!File.Exists(path))
        {
            return Invalid.Field("file", "The uploaded file is no longer here; upload it again (an import that stopped continues where it stopped).");
        }

        var key = (actor.OrganisationId, contentHash);
        var run = new ImportRun(actor.OrganisationId, fileName, contentHash, clock.GetUtcNow());
        if (_runs.TryGetValue(key, out var current) && !current.Finished)
        {
            return new Conflict("import-running", "This file is being imported right now.");
        }

        _runs[key] = run;
        _ = Task.Run(() => RunAsync(actor, run, path, mappingJson, allOrNothing), CancellationToken.None);
        return run;
    }

    /// <summary>This instance's run of a file, running or finished within the last hour.</summary>
    public ImportRun? RunOf(Guid organisationId, string contentHash) =>
        _runs.TryGetValue((organisationId, contentHash), out var run) ? run : null;

    /// <summary>The organisation's runs on this instance, newest first.</summary>
    public IReadOnlyList<ImportRun> RunsOf(Guid organisationId)
    {
        var now = clock.GetUtcNow();
        foreach (var old in _runs.Where(r => r.Value.Finished && now - r.Value.StartedAt > KeepFinished).ToList())
        {
            _runs.TryRemove(old);
        }

        return [.. _runs.Values.Where(r => r.OrganisationId == organisationId).OrderByDescending(r => r.StartedAt)];
    }

    /// <summary>Whether the file of a stopped import is still stored, so it can be continued from the page.</summary>
    public bool IsStored(Guid organisationId, string contentHash) => File.Exists(PathOf(organisationId, contentHash));

    private async Task RunAsync(Actor actor, ImportRun run, string path, string? mappingJson, bool allOrNothing)
    {
        var stopping = lifetime.ApplicationStopping;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var result = await scope.ServiceProvider.GetRequiredService<ImportLeads>().HandleAsync(
                new ImportLeadsRequest(run.FileName, content, mappingJson, allOrNothing), actor, run, stopping);
            run.End(result.Error is null ? result.Value : null, result.Error);
            if (result.Error is null && result.Value.Job.Status != ImportStatus.Running)
            {
                await content.DisposeAsync();
                File.Delete(path);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The app is stopping: the job keeps its saved batches and the file stays, so the page offers to continue it.
            run.End(null, null);
        }
#pragma warning disable CA1031 // A background import must not take the process down; the job stays resumable and the page says it stopped.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogFailed(exception, run.ContentHash);
            run.End(null, new Conflict("import-failed", "The import stopped because of an unexpected error; continue it to carry on from its last saved batch."));
        }
    }

    private static Forbidden? Refuse(Actor actor) =>
        actor.IsIn(Roles.Marketing) || actor.IsIn(Roles.Admin) ? null : new Forbidden("Only marketing or an admin imports leads.");

    private string FolderOf(Guid organisationId)
    {
        var root = string.IsNullOrWhiteSpace(options.Value.Folder) ? Path.Combine(database.Value.DataFolder, "imports") : options.Value.Folder;
        return Path.Combine(Path.GetFullPath(root), organisationId.ToString("N"));
    }

    private string PathOf(Guid organisationId, string contentHash) =>
        Path.Combine(FolderOf(organisationId), (contentHash.All(char.IsAsciiHexDigitLower) && contentHash.Length == 64 ? contentHash : "invalid") + ".csv");

    /// <summary>Uploads nobody imported, and broken-off uploads, are not kept: they hold people's data.</summary>
    private void RemoveStale(string folder)
    {
        var before = clock.GetUtcNow().UtcDateTime - KeepUnused;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles().Where(f => f.LastWriteTimeUtc < before))
        {
            var hash = Path.GetFileNameWithoutExtension(file.Name);
            if (!_runs.TryGetValue((Guid.ParseExact(Path.GetFileName(folder), "N"), hash), out var run) || run.Finished)
            {
                file.Delete();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The import of file {ContentHash} stopped with an unexpected error")]
    private partial void LogFailed(Exception exception, string contentHash);
}
