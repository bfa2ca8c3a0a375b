using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Scoring;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Leads;

/// <summary>A new lead, or new facts about a known one: leads are matched by e-mail address.</summary>
public sealed record CreateLeadRequest
{
    [Required]
    [MaxLength(254)]
    public string? Email { get; set; }

    [MaxLength(100)]
    public string? FirstName { get; set; }

    [MaxLength(100)]
    public string? LastName { get; set; }

    [MaxLength(200)]
    public string? JobTitle { get; set; }

    [MaxLength(50)]
    public string? Phone { get; set; }

    [MaxLength(100)]
    public string? Source { get; set; }

    [MaxLength(200)]
    public string? Campaign { get; set; }

    public CompanyInput? Company { get; set; }
}

public sealed record CreatedLead(LeadDetails Lead, bool Created);

/// <summary>
/// Creates a lead at Iql, or updates the known lead with the same e-mail address (an upsert: what a form or an
/// integration sends twice ends as one lead). Companies are shared by domain.
/// </summary>
public sealed class CreateLead(LeadgateDbContext db, TimeProvider clock, Privacy.SuppressionList suppression)
{
    private const int Attempts = 3;

    public Task<Result<CreatedLead>> HandleAsync(CreateLeadRequest request, Actor actor, CancellationToken cancellationToken) =>
        HandleAsync(request, actor, Attempts, cancellationToken);

    private async Task<Result<CreatedLead>> HandleAsync(CreateLeadRequest request, Actor actor, int attemptsLeft, CancellationToken cancellationToken)
    {
        var fields = new LeadFields();
        var email = fields.Email(request.Email);
        var text = fields.Describing(request.FirstName, request.LastName, request.JobTitle, request.Phone, request.Source, request.Campaign);
        var company = CompanyFacts.From(request.Company, fields);
        if (fields.ToError() is { } invalid)
        {
            return invalid;
        }

        var now = clock.GetUtcNow();
        var existing = await db.Leads
            .Include(l => l.Contact)
            .Include(l => l.Company)
            .FirstOrDefaultAsync(l => l.OrganisationId == actor.OrganisationId && l.Contact.Email == email!.Value, cancellationToken);
        Lead lead;
        if (existing is not null)
        {
            lead = existing;
            lead.Contact.Describe(text.FirstName ?? lead.Contact.FirstName, text.LastName ?? lead.Contact.LastName, text.JobTitle ?? lead.Contact.JobTitle, text.Phone ?? lead.Contact.Phone);
            var companyOfLead = company is null ? lead.Company : await CompanyFacts.FindOrCreateAsync(db, actor.OrganisationId, company, email!, lead.Company, now, cancellationToken);
            lead.Describe(text.Source ?? lead.Source, text.Campaign ?? lead.Campaign, companyOfLead, now);
        }
        else if (await suppression.IsSuppressedAsync(db, actor.OrganisationId, email!.Value, cancellationToken))
        {
            return new Privacy.Suppressed(["email"]);
        }
        else
        {
            var contact = Contact.Create(actor.OrganisationId, email!, now);
            contact.Describe(text.FirstName, text.LastName, text.JobTitle, text.Phone);
            contact.RecordBasis(Privacy.LawfulBasis.LegitimateInterest, Privacy.LawfulBases.SourceOf(actor.Channel), now);
            var companyOfLead = await CompanyFacts.FindOrCreateAsync(db, actor.OrganisationId, company, email!, null, now, cancellationToken);
            var created = Lead.Create(contact, companyOfLead, text.Source, text.Campaign, actor, now);
            if (created.Error is { } refused)
            {
                return refused;
            }

            lead = created.Value;
            db.Leads.Add(lead);
        }

        await db.RescoreAsync(lead, now, cancellationToken);
        var saved = await db.SaveAsync(null, cancellationToken);
        if (saved.Error is Conflict && attemptsLeft > 1)
        {
            // Another request created the same person or company a moment ago: try again, which finds and updates it.
            return await HandleAsync(request, actor, attemptsLeft - 1, cancellationToken);
        }

        if (saved.Error is { } error)
        {
            return error;
        }

        var details = await new GetLead(db, clock).HandleAsync(lead.Id, actor, cancellationToken);
        return details.Map(d => new CreatedLead(d, existing is null));
    }
}

/// <summary>The company facts of a request, cleaned, and how they find their company record.</summary>
internal sealed record CompanyFacts(string? Name, string? Domain, string? Industry, int? Employees, string? Country)
{
    public static CompanyFacts? From(CompanyInput? input, LeadFields fields)
    {
        if (input is null)
        {
            return null;
        }

        var facts = new CompanyFacts(
            fields.Text(input.Name, "company.name", 200),
            fields.Domain(input.Domain, "company.domain"),
            fields.Text(input.Industry, "company.industry", 100),
            fields.Employees(input.Employees, "company.employees"),
            fields.Country(input.Country, "company.country"));
        return facts;
    }

    /// <summary>
    /// The company by its domain (given, or taken from a business e-mail address), created when unknown; facts given
    /// here update it. Without a domain or a name there is no company. A batch passes the companies it
    /// <paramref name="loaded"/> by domain up front, so no company costs a query of its own.
    /// </summary>
    public static async Task<Company?> FindOrCreateAsync(
        LeadgateDbContext db, Guid organisationId, CompanyFacts? facts, EmailAddress email, Company? current, DateTimeOffset now, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, Company>? loaded = null)
    {
        var domain = facts?.Domain ?? current?.Domain ?? LeadFields.CompanyDomainOf(email);
        var company = current;
        if (domain is not null && company?.Domain != domain)
        {
            company = db.Companies.Local.FirstOrDefault(c => c.OrganisationId == organisationId && c.Domain == domain)
                ?? (loaded is null ? null : loaded.GetValueOrDefault(domain))
                ?? (loaded is not null ? null : await db.Companies.FirstOrDefaultAsync(c => c.OrganisationId == organisationId && c.Domain == domain, cancellationToken));
        }

        var name = facts?.Name ?? company?.Name ?? (facts is null ? null : domain);
        if (company is null)
        {
            if (name is null && domain is null)
            {
                return null;
            }

            company = Company.Create(organisationId, name ?? domain!, domain, now);
            db.Companies.Add(company);
        }

        company.Describe(
            facts?.Name ?? company.Name,
            facts?.Industry ?? company.Industry,
            facts?.Employees ?? company.Employees,
            facts?.Country ?? company.Country);
        return company;
    }
}
