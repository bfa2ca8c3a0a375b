using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Imports;

/// <summary>One line of the row report as callers see it.</summary>
public sealed record ImportProblemView(long Line, string Column, string Reason);

/// <summary>An import job with its counts and its row report (at most <see cref="ImportLeads.MaxStoredProblems"/> lines).</summary>
public sealed record ImportJobView(
    Guid Id,
    string FileName,
    string ContentHash,
    string Format,
    bool AllOrNothing,
    ImportStatus Status,
    string StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long RowsRead,
    long Imported,
    long Updated,
    long Unchanged,
    long Bad,
    IReadOnlyList<ImportProblemView> Problems);

/// <summary>An import job of the caller's organisation.</summary>
public sealed class GetImport(LeadgateDbContext db)
{
    public async Task<Result<ImportJobView>> HandleAsync(Guid id, Actor actor, CancellationToken cancellationToken)
    {
        var job = await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id && j.OrganisationId == actor.OrganisationId, cancellationToken);
        return job is null ? new NotFound("Import", id) : await ViewAsync(db, job, cancellationToken);
    }

    internal static async Task<ImportJobView> ViewAsync(LeadgateDbContext db, ImportJob job, CancellationToken cancellationToken)
    {
        var problems = await db.ImportProblems.AsNoTracking()
            .Where(p => p.ImportJobId == job.Id)
            .OrderBy(p => p.Line).ThenBy(p => p.Id)
            .Select(p => new ImportProblemView(p.Line, p.Column, p.Reason))
            .ToListAsync(cancellationToken);
        return Of(job, problems);
    }

    internal static ImportJobView Of(ImportJob job, IReadOnlyList<ImportProblemView> problems) => new(
        job.Id, job.FileName, job.ContentHash, job.Format, job.AllOrNothing, job.Status, job.StartedBy, job.StartedAt, job.FinishedAt,
        job.RowsRead, job.Imported, job.Updated, job.Unchanged, job.Bad, problems);
}
