using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Leads;

public sealed record MergeCompanyRequest
{
    /// <summary>The company that survives: it takes the other's leads and fills its own empty fields from it.</summary>
    [Required]
    public Guid? IntoCompanyId { get; set; }
}

/// <summary>What a company merge left: the survivor and how many leads moved to it.</summary>
public sealed record MergedCompany(Guid Id, string Name, string? Domain, string? Industry, int? Employees, string? Country, int LeadsMoved);

/// <summary>
/// Merges two records of one company (say, one made by an import without a domain, one from a web form with it) into the
/// one the user chose (docs/privacy.md#merging-duplicates): the other's leads move to the survivor, the survivor fills
/// its empty domain, industry, size and country from the other, and the other stays as a row that names its survivor.
/// Recorded in the audit log on both. Admins, managers and marketing merge; one transaction.
/// </summary>
public sealed class MergeCompany(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<MergedCompany>> HandleAsync(Guid companyId, MergeCompanyRequest request, Actor actor, CancellationToken cancellationToken)
    {
        // Another organisation's company is not found before anything else is said about it.
        var org = actor.OrganisationId;
        var merged = await db.Companies.FirstOrDefaultAsync(c => c.Id == companyId && c.OrganisationId == org, cancellationToken);
        if (merged is null)
        {
            return new NotFound("Company", companyId);
        }

        if (!(actor.IsIn(Roles.Admin) || actor.IsIn(Roles.Manager) || actor.IsIn(Roles.Marketing)))
        {
            return new Forbidden("Only an admin, a manager or marketing merges companies.");
        }

        if (request.IntoCompanyId is not { } intoId)
        {
            return Invalid.Field("intoCompanyId", "Name the company that survives the merge.");
        }

        if (intoId == companyId)
        {
            return Invalid.Field("intoCompanyId", "A company is not merged into itself.");
        }

        var survivor = await db.Companies.FirstOrDefaultAsync(c => c.Id == intoId && c.OrganisationId == org, cancellationToken);
        if (survivor is null)
        {
            return Invalid.Field("intoCompanyId", "No company of your organisation has this id.");
        }

        if (merged.MergedIntoId is not null || survivor.MergedIntoId is not null)
        {
            return new Conflict("already-merged", "One of the two companies was merged already; merge into the company it survives in.");
        }

        var now = clock.GetUtcNow();
        // Inside the Idempotency-Key's transaction when the request carries one; its own otherwise.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var moved = await db.Leads.Where(l => l.CompanyId == companyId && l.OrganisationId == org)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.CompanyId, intoId), cancellationToken);

        // The domain is unique in the organisation: the merged company lets go of it before the survivor takes it.
        var domain = merged.Domain;
        merged.MergeInto(intoId);
        await db.SaveChangesAsync(cancellationToken);
        var filled = survivor.Absorb(merged, domain);
        db.AuditEntries.Add(AuditEntry.Record(actor, "company.merged", "Company", companyId, ["mergedIntoId"], now, $"merged into {intoId}"));
        db.AuditEntries.Add(AuditEntry.Record(actor, "company.merged_from", "Company", intoId, ["leads", .. filled], now, $"took over {companyId}"));
        var saved = await db.SaveAsync(null, cancellationToken);
        if (saved.Error is { } error)
        {
            return error;
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        return new MergedCompany(survivor.Id, survivor.Name, survivor.Domain, survivor.Industry, survivor.Employees, survivor.Country, moved);
    }
}
