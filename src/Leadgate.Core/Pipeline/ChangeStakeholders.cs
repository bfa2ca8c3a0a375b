using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

/// <summary>An existing contact (<see cref="ContactId"/>), or a new or known one by e-mail address, in a role.</summary>
public sealed record AddStakeholderRequest
{
    public Guid? ContactId { get; set; }

    [MaxLength(254)]
    public string? Email { get; set; }

    [MaxLength(100)]
    public string? FirstName { get; set; }

    [MaxLength(100)]
    public string? LastName { get; set; }

    [Required]
    public StakeholderRole? Role { get; set; }
}

/// <summary>Adds a contact of the buyer to the deal in a role; an e-mail address nobody has yet makes a new contact.</summary>
public sealed class AddStakeholder(LeadgateDbContext db, TimeProvider clock, Privacy.SuppressionList suppression)
{
    public async Task<Result<DealView>> HandleAsync(Guid dealId, AddStakeholderRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Sales) && !actor.IsIn(Roles.Manager))
        {
            return new Forbidden("Only sales users and managers change a deal's stakeholders.");
        }

        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            return Invalid.Field("role", $"One of {string.Join(", ", Enum.GetNames<StakeholderRole>())}.");
        }

        if (request.FirstName?.Length > 100 || request.LastName?.Length > 100)
        {
            return Invalid.Field(request.FirstName?.Length > 100 ? "firstName" : "lastName", "At most 100 characters.");
        }

        if (request.ContactId is not null && (request.Email is not null || request.FirstName is not null || request.LastName is not null))
        {
            return Invalid.Field("contactId", "Give a contactId, or an email (with firstName and lastName) for a new contact; not both.");
        }

        Contact? contact;
        if (request.ContactId is { } contactId)
        {
            contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == contactId && c.OrganisationId == actor.OrganisationId, cancellationToken);
            if (contact is null)
            {
                return Invalid.Field("contactId", "Not a contact of this organisation.");
            }
        }
        else
        {
            var email = EmailAddress.Parse(request.Email);
            if (email.Error is { } badEmail)
            {
                return request.Email is null ? Invalid.Field("contactId", "Give a contactId, or an email (with firstName and lastName) for a new contact.") : badEmail;
            }

            contact = await db.Contacts.FirstOrDefaultAsync(c => c.OrganisationId == actor.OrganisationId && c.Email == email.Value.Value, cancellationToken);
            if (contact is null)
            {
                if (await suppression.IsSuppressedAsync(db, actor.OrganisationId, email.Value.Value, cancellationToken))
                {
                    return new Privacy.Suppressed(["email"]);
                }

                contact = Contact.Create(actor.OrganisationId, email.Value, clock.GetUtcNow());
                contact.Describe(Clean(request.FirstName), Clean(request.LastName), null, null);
                db.Contacts.Add(contact);
            }
        }

        var id = contact.Id;
        return await db.ChangeDealAsync(
            dealId, actor, null, clock,
            (deal, _, _) => deal.AddStakeholder(id, role, clock.GetUtcNow()).Map(_ => Done.Value),
            cancellationToken);
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

public sealed class RemoveStakeholder(LeadgateDbContext db, TimeProvider clock)
{
    public Task<Result<DealView>> HandleAsync(Guid dealId, Guid stakeholderId, Actor actor, CancellationToken cancellationToken)
    {
        if (!actor.IsIn(Roles.Sales) && !actor.IsIn(Roles.Manager))
        {
            return Task.FromResult<Result<DealView>>(new Forbidden("Only sales users and managers change a deal's stakeholders."));
        }

        return db.ChangeDealAsync(dealId, actor, null, clock, (deal, _, _) => deal.RemoveStakeholder(stakeholderId, clock.GetUtcNow()), cancellationToken);
    }
}
