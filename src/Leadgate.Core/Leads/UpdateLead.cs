using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Scoring;

namespace Leadgate.Leads;

/// <summary>
/// A partial update (JSON merge patch): only the fields named in <see cref="Sent"/> change, and a field sent as null
/// is cleared. Field names are the API's: "email", "firstName", …, "company", "company.name", ….
/// </summary>
public sealed record UpdateLeadRequest
{
    public string? Email { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? JobTitle { get; init; }

    public string? Phone { get; init; }

    public string? Source { get; init; }

    public string? Campaign { get; init; }

    public CompanyInput? Company { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlySet<string> Sent { get; init; } = new HashSet<string>();

    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(StringComparer.Ordinal)
    {
        "email", "firstName", "lastName", "jobTitle", "phone", "source", "campaign",
        "company", "company.name", "company.domain", "company.industry", "company.employees", "company.country",
    };
}

/// <summary>Corrects a lead's contact, company and attribution. Stage and owner change only through their own actions.</summary>
public sealed class UpdateLead(LeadgateDbContext db, TimeProvider clock, Privacy.SuppressionList suppression)
{
    public async Task<Result<LeadDetails>> HandleAsync(Guid leadId, UpdateLeadRequest request, long? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (request.Sent.FirstOrDefault(f => !UpdateLeadRequest.Fields.Contains(f)) is { } unknown)
        {
            return Invalid.Field(unknown, "This field does not exist or cannot be changed here.");
        }

        var fields = new LeadFields();
        bool Sent(string name) => request.Sent.Contains(name);
        var email = Sent("email") ? fields.Email(request.Email) : null;
        var text = fields.Describing(request.FirstName, request.LastName, request.JobTitle, request.Phone, request.Source, request.Campaign);
        var company = CompanyFacts.From(request.Company, fields);
        if (fields.ToError() is { } invalid)
        {
            return invalid;
        }

        var now = clock.GetUtcNow();
        return await db.ChangeLeadAsync(
            leadId, actor, expectedVersion, clock,
            async lead =>
            {
                var contact = lead.Contact;
                if (email is not null && email.Value != contact.Email)
                {
                    if (db.Contacts.Any(c => c.OrganisationId == actor.OrganisationId && c.Email == email.Value && c.Id != contact.Id))
                    {
                        return new Conflict("email-taken", "Another lead already has this e-mail address.");
                    }

                    if (await suppression.IsSuppressedAsync(db, actor.OrganisationId, email.Value, cancellationToken))
                    {
                        return new Privacy.Suppressed(["email"]);
                    }

                    contact.ChangeEmail(email);
                }

                contact.Describe(
                    Sent("firstName") ? text.FirstName : contact.FirstName,
                    Sent("lastName") ? text.LastName : contact.LastName,
                    Sent("jobTitle") ? text.JobTitle : contact.JobTitle,
                    Sent("phone") ? text.Phone : contact.Phone);

                var companyOfLead = lead.Company;
                if (Sent("company"))
                {
                    companyOfLead = company is null
                        ? null
                        : await CompanyFacts.FindOrCreateAsync(db, actor.OrganisationId, Patched(company, lead.Company, Sent), EmailAddress.FromStored(contact.Email), lead.Company, now, cancellationToken);
                }

                lead.Describe(Sent("source") ? text.Source : lead.Source, Sent("campaign") ? text.Campaign : lead.Campaign, companyOfLead, now);
                await db.RescoreAsync(lead, now, cancellationToken);
                db.AuditEntries.Add(Privacy.AuditEntry.Record(actor, "lead.changed", "Lead", lead.Id, request.Sent, now));
                return Done.Value;
            },
            cancellationToken);
    }

    // Inside "company", the fields sent; the company found keeps the rest. A domain names a company that other leads may share,
    // so the lead's former company's facts are not written onto it. Only a company without a domain (known by its name alone)
    // lends its facts to the one its new domain finds or makes.
    private static CompanyFacts Patched(CompanyFacts sent, Company? current, Func<string, bool> wasSent)
    {
        var carried = current is { Domain: null } && wasSent("company.domain") ? current : null;
        return new(
            wasSent("company.name") ? sent.Name : carried?.Name,
            wasSent("company.domain") ? sent.Domain : null,
            wasSent("company.industry") ? sent.Industry : carried?.Industry,
            wasSent("company.employees") ? sent.Employees : carried?.Employees,
            wasSent("company.country") ? sent.Country : carried?.Country);
    }
}
