using Leadgate.Accounts;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Imports;

/// <summary>The organisation's most recent imports, newest first, each without its row report (<see cref="GetImport"/> has it).</summary>
public sealed class ListImports(LeadgateDbContext db)
{
    public const int MaxCount = 50;

    public async Task<IReadOnlyList<ImportJobView>> HandleAsync(Actor actor, int count, CancellationToken cancellationToken)
    {
        var jobs = await db.ImportJobs.AsNoTracking()
            .Where(j => j.OrganisationId == actor.OrganisationId)
            .OrderByDescending(j => j.StartedAt)
            .Take(Math.Clamp(count, 1, MaxCount))
            .ToListAsync(cancellationToken);
        return [.. jobs.Select(job => GetImport.Of(job, []))];
    }
}
