using Leadgate.Common;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Imports;

public enum ImportStatus
{
    /// <summary>Started, or stopped midway (a crash, a cancellation): running the same file again continues it.</summary>
    Running,
    Completed,

    /// <summary>All-or-nothing was asked and a row was bad: nothing was written.</summary>
    Refused,
}

/// <summary>
/// One import of one file into one organisation. Its counters are saved in the same transaction as each batch of rows, so
/// after a crash <see cref="RowsRead"/> says exactly where to continue; the file is recognised again by its SHA-256.
/// </summary>
public sealed class ImportJob
{
    private ImportJob()
    {
        FileName = null!;
        ContentHash = null!;
        Format = null!;
        StartedBy = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public string FileName { get; private set; }

    /// <summary>SHA-256 of the file's bytes, lower-case hex.</summary>
    public string ContentHash { get; private set; }

    /// <summary>HubSpot, Salesforce or Custom.</summary>
    public string Format { get; private set; }

    /// <summary>The mapping file's JSON, kept so a resumed import maps the columns as the first run did.</summary>
    public string? MappingJson { get; private set; }

    public bool AllOrNothing { get; private set; }

    public ImportStatus Status { get; private set; }

    public string StartedBy { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>Data rows done (committed), good and bad; a resumed import skips this many.</summary>
    public long RowsRead { get; private set; }

    public long Imported { get; private set; }

    public long Updated { get; private set; }

    public long Unchanged { get; private set; }

    public long Bad { get; private set; }

    internal static ImportJob Start(Guid organisationId, string fileName, string contentHash, string format, string? mappingJson, bool allOrNothing, string startedBy, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = organisationId,
        FileName = fileName,
        ContentHash = contentHash,
        Format = format,
        MappingJson = mappingJson,
        AllOrNothing = allOrNothing,
        Status = ImportStatus.Running,
        StartedBy = startedBy,
        StartedAt = Microseconds(at),
    };

    internal void Count(ImportTally tally)
    {
        RowsRead += tally.Rows;
        Imported += tally.Imported;
        Updated += tally.Updated;
        Unchanged += tally.Unchanged;
        Bad += tally.Bad;
    }

    internal void Complete(DateTimeOffset at)
    {
        Status = ImportStatus.Completed;
        FinishedAt = Microseconds(at);
    }

    internal void Refuse(DateTimeOffset at)
    {
        Status = ImportStatus.Refused;
        FinishedAt = Microseconds(at);
    }

    /// <summary>PostgreSQL keeps microseconds: the job answered right after saving must equal the job read back later.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset at) => at.AddTicks(-(at.Ticks % 10));

    internal static void Configure(ModelBuilder builder)
    {
        builder.Entity<ImportJob>(job =>
        {
            job.Property(j => j.FileName).HasMaxLength(260);
            job.Property(j => j.ContentHash).HasMaxLength(64);
            job.Property(j => j.Format).HasMaxLength(32);
            job.Property(j => j.MappingJson).HasMaxLength(20_000);
            job.Property(j => j.StartedBy).HasMaxLength(200);
            job.HasIndex(j => new { j.OrganisationId, j.ContentHash });
            job.HasIndex(j => new { j.OrganisationId, j.StartedAt });
            job.HasOne<Accounts.Organisation>().WithMany().HasForeignKey(j => j.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ImportProblem>(problem =>
        {
            problem.Property(p => p.Column).HasMaxLength(200);
            problem.Property(p => p.Reason).HasMaxLength(500);
            problem.Property(p => p.Code).HasMaxLength(64);
            problem.HasIndex(p => new { p.ImportJobId, p.Line });
            problem.HasOne<ImportJob>().WithMany().HasForeignKey(p => p.ImportJobId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

/// <summary>
/// One line of the row report: a bad row's line in the file, the column, and why (the English reason, and the problem's
/// code with its numbers, from which a UI writes the reason in its own language). Never the value itself.
/// </summary>
public sealed class ImportProblem
{
    private ImportProblem()
    {
        Column = null!;
        Reason = null!;
    }

    public Guid Id { get; private set; }

    public Guid ImportJobId { get; private set; }

    public long Line { get; private set; }

    public string Column { get; private set; }

    public string Reason { get; private set; }

    /// <summary>The <see cref="FieldProblem.Code"/>; null on lines stored before codes were kept.</summary>
    public string? Code { get; private set; }

    /// <summary>The <see cref="FieldProblem.Arguments"/> (limits, counts); null on lines stored before codes were kept.</summary>
    public long[]? Arguments { get; private set; }

    internal static ImportProblem For(Guid jobId, long line, string column, FieldProblem problem, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        ImportJobId = jobId,
        Line = line,
        Column = column.Length > 200 ? column[..200] : column,
        Reason = problem.Message.Length > 500 ? problem.Message[..500] : problem.Message,
        Code = problem.Code,
        Arguments = [.. problem.Arguments],
    };
}

/// <summary>What one batch did.</summary>
internal sealed class ImportTally
{
    public long Rows { get; set; }

    public long Imported { get; set; }

    public long Updated { get; set; }

    public long Unchanged { get; set; }

    public long Bad { get; set; }
}
