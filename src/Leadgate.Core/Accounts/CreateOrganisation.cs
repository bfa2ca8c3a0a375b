using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Qualification;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Accounts;

public sealed record OrganisationView(Guid Id, string Slug, string Name, string DefaultCurrency);

/// <summary>A new tenant, with the default reason lists of PRODUCT.md §3.</summary>
public sealed class CreateOrganisation(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<OrganisationView>> HandleAsync(string? slug, string? name, string? currency, CancellationToken cancellationToken)
    {
        var created = Organisation.Create(slug, name, clock.GetUtcNow(), string.IsNullOrWhiteSpace(currency) ? "EUR" : currency);
        if (created.Error is { } invalid)
        {
            return invalid;
        }

        var organisation = created.Value;
        if (await db.Organisations.AnyAsync(o => o.Slug == organisation.Slug, cancellationToken))
        {
            return new Conflict("slug-taken", $"An organisation with the slug '{organisation.Slug}' already exists.");
        }

        db.Organisations.Add(organisation);
        db.Reasons.AddRange(Reason.DefaultsFor(organisation.Id));
        db.Pipelines.Add(Pipeline.SalesPipeline.CreateDefault(organisation.Id, clock.GetUtcNow()));
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error
            ? error
            : new OrganisationView(organisation.Id, organisation.Slug, organisation.Name, organisation.DefaultCurrency);
    }
}
