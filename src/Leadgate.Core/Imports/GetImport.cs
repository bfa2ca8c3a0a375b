using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Imports;

/// <summary>
/// One line of the row report as callers see it: the English <paramref name="Reason"/>, and the problem's
/// <paramref name="Code"/> (a <see cref="FieldProblem.Code"/>) with its <paramref name="Arguments"/>, from which a UI writes
/// the reason in its own language. A line stored before codes were kept has no code and no arguments.
/// </summary>
public sealed record ImportProblemView(long Line, string Column, string Reason, string? Code, IReadOnlyList<long> Arguments);

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
            .Select(p => new { p.Line, p.Column, p.Reason, p.Code, p.Arguments })
            .ToListAsync(cancellationToken);
        return Of(job, problems.ConvertAll(p => new ImportProblemView(p.Line, p.Column, p.Reason, p.Code, p.Arguments ?? [])));
    }

    internal static ImportJobView Of(ImportJob job, IReadOnlyList<ImportProblemView> problems) => new(
        job.Id, job.FileName, job.ContentHash, job.Format, job.AllOrNothing, job.Status, job.StartedBy, job.StartedAt, job.FinishedAt,
        job.RowsRead, job.Imported, job.Updated, job.Unchanged, job.Bad, problems);
}
