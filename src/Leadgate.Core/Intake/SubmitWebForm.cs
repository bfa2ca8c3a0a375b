using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Leadgate.Scoring;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Intake;

/// <summary>The fields of a public form, as strings whatever the encoding (form post or JSON).</summary>
public sealed record WebFormSubmission
{
    /// <summary>The honeypot: hidden from people, so only a bot fills it.</summary>
    public const string HoneypotField = "website";

    public string? Email { get; init; }

    public string? FirstName { get; init; }

    public string? LastName { get; init; }

    public string? Company { get; init; }

    public string? JobTitle { get; init; }

    public string? Phone { get; init; }

    /// <summary>The consent checkbox: <c>on</c>, <c>true</c>, <c>yes</c> or <c>1</c> when ticked; absent or <c>false</c> when not.</summary>
    public string? Consent { get; init; }

    /// <summary>The version of the consent text the page showed (the form's <c>consentVersion</c>).</summary>
    public string? ConsentVersion { get; init; }

    public string? Website { get; init; }

    public string? IdempotencyKey { get; init; }
}

/// <summary>What the public is told: accepted (also for a bot caught by the honeypot), and where to go next.</summary>
public sealed record FormReceipt(bool Accepted, string? RedirectUrl);

/// <summary>
/// A submit of a public web form: the lead is created (or found) by e-mail, a <see cref="BehaviourType.FormSubmit"/>
/// event is recorded, and a ticked consent box is recorded with the exact text and version. Everything is checked before
/// anything is written. A known lead's facts are not changed by an anonymous form (anyone can type anyone's address);
/// the event is still recorded. A double submit within the same minute is one event (and one consent record), because
/// the external id is derived from the form, the address and the minute, unless the page sends its own Idempotency-Key.
/// </summary>
public sealed class SubmitWebForm(LeadgateDbContext db, TimeProvider clock, CreateLead createLead, RecordEvents recordEvents)
{
    private static readonly HashSet<string> Ticked = new(StringComparer.OrdinalIgnoreCase) { "on", "true", "yes", "1" };
    private static readonly HashSet<string> Unticked = new(StringComparer.OrdinalIgnoreCase) { "", "off", "false", "no", "0" };

    public async Task<Result<FormReceipt>> HandleAsync(string formKey, WebFormSubmission submission, CancellationToken cancellationToken)
    {
        var form = formKey.Length is > 0 and <= 40
            ? await db.WebForms.AsNoTracking().FirstOrDefaultAsync(f => f.Key == formKey, cancellationToken)
            : null;
        if (form is null)
        {
            return new NotFound("Form", formKey);
        }

        var accepted = new FormReceipt(true, form.RedirectUrl);
        if (!string.IsNullOrEmpty(submission.Website))
        {
            // A bot: answer as if accepted, so it learns nothing, and keep nothing.
            return accepted;
        }

        var errors = new Dictionary<string, string[]>();
        var consent = false;
        var consentValue = submission.Consent?.Trim() ?? "";
        if (Ticked.Contains(consentValue))
        {
            consent = true;
            if (!string.Equals(submission.ConsentVersion?.Trim(), form.ConsentVersion, StringComparison.Ordinal))
            {
                errors["consentVersion"] = [$"The version of the consent text shown is required and must be this form's current one ({form.ConsentVersion})."];
            }
        }
        else if (!Unticked.Contains(consentValue))
        {
            errors["consent"] = ["Ticked (on, true, yes, 1) or not (leave it out, or false)."];
        }

        var idempotencyKey = submission.IdempotencyKey?.Trim();
        if (idempotencyKey is { Length: > 100 } || idempotencyKey?.Any(char.IsControl) == true)
        {
            errors["Idempotency-Key"] = ["A key is 1 to 100 printable characters."];
        }

        var email = EmailAddress.Parse(submission.Email, "email");
        if (email.Error is Invalid badEmail)
        {
            foreach (var (field, messages) in badEmail.Errors)
            {
                errors[field] = messages;
            }
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        var org = form.OrganisationId;
        var actor = Actor.ForIntegration(org, $"Web form: {form.Name}");
        var now = clock.GetUtcNow();
        var lead = new CreateLeadRequest
        {
            Email = submission.Email,
            FirstName = submission.FirstName,
            LastName = submission.LastName,
            JobTitle = submission.JobTitle,
            Phone = submission.Phone,
            Source = "Web form",
            Campaign = form.Name,
            Company = string.IsNullOrWhiteSpace(submission.Company) ? null : new CompanyInput { Name = submission.Company },
        };
        var checkedFields = LeadFieldErrors(lead);
        if (checkedFields is not null)
        {
            return checkedFields;
        }

        if (!await db.Contacts.AnyAsync(c => c.OrganisationId == org && c.Email == email.Value.Value, cancellationToken))
        {
            var created = await createLead.HandleAsync(lead, actor, cancellationToken);
            if (created.Error is { } refused)
            {
                return refused is Invalid invalid ? FormFields(invalid) : refused;
            }

            db.ChangeTracker.Clear();
        }

        // The minute the submit fell in is also the event's time, so a double submit (or a resend with the same key) is a
        // repeat, not a conflict.
        var minute = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var externalId = idempotencyKey is { Length: > 0 }
            ? $"form:{form.Key}:key:{idempotencyKey}"
            : $"form:{form.Key}:{Pseudonym(email.Value.Value)}:{minute.ToUnixTimeSeconds()}";
        var recorded = await recordEvents.HandleAsync(
            new RecordEventsRequest
            {
                Events = [new EventInput
                {
                    ExternalId = externalId,
                    Type = nameof(BehaviourType.FormSubmit),
                    Email = email.Value.Value,
                    OccurredAt = minute,
                    Properties = JsonSerializer.SerializeToElement(new { form = form.Name, formKey = form.Key }),
                }],
            },
            actor,
            cancellationToken);
        if (recorded.Error is { } error)
        {
            var named = SingleEvent.Unprefixed(error);
            return named is Invalid invalid ? FormFields(invalid) : named;
        }

        var outcome = recorded.Value.Results[0];
        if (consent && outcome.Status != EventStatus.Conflict)
        {
            // Once per submit: a repeat adds no second record, but does add the first when the submit that stored the
            // event stopped before its consent was saved.
            var contactId = await db.Leads.Where(l => l.Id == outcome.LeadId).Select(l => l.ContactId).SingleAsync(cancellationToken);
            if (outcome.Status == EventStatus.Repeat
                && await db.Consents.AnyAsync(c => c.ContactId == contactId && c.FormId == form.Id && c.TextVersion == form.ConsentVersion && c.GivenAt >= minute, cancellationToken))
            {
                return accepted;
            }

            db.Consents.Add(Consent.Given(form, contactId, now));
            (await db.Contacts.FirstAsync(c => c.Id == contactId, cancellationToken)).RecordBasis(Privacy.LawfulBasis.Consent, Privacy.LawfulBasisSource.Form, now);
            var saved = await db.SaveAsync(null, cancellationToken);
            if (saved.Error is { } notSaved)
            {
                return notSaved;
            }
        }

        return accepted;
    }

    /// <summary>The same checks <see cref="CreateLead"/> makes, before anything is written.</summary>
    private static Invalid? LeadFieldErrors(CreateLeadRequest request)
    {
        var fields = new LeadFields();
        fields.Text(request.FirstName, "firstName", 100);
        fields.Text(request.LastName, "lastName", 100);
        fields.Text(request.JobTitle, "jobTitle", 200);
        fields.Text(request.Phone, "phone", 50);
        fields.Text(request.Company?.Name, "company", 200);
        return fields.ToError();
    }

    // The form's one company field is "company"; a lead's company name is "company.name" elsewhere.
    private static Invalid FormFields(Invalid invalid) =>
        new(invalid.Errors.ToDictionary(e => e.Key is "company.name" ? "company" : e.Key, e => e.Value));

    /// <summary>The address as a short digest, so an external id carries no readable personal data.</summary>
    private static string Pseudonym(string email) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email)))[..16];
}
