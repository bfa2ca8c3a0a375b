using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Intake;

public sealed record CreateWebFormRequest
{
    [Required]
    [MaxLength(WebForm.MaxNameLength)]
    public string? Name { get; set; }

    /// <summary>The consent text the page shows beside its checkbox, word for word.</summary>
    [Required]
    [MaxLength(WebForm.MaxConsentTextLength)]
    public string? ConsentText { get; set; }

    /// <summary>Where a browser goes after a successful submit (http or https); none = a JSON answer.</summary>
    [MaxLength(WebForm.MaxRedirectLength)]
    public string? RedirectUrl { get; set; }
}

public sealed record WebFormView(Guid Id, string Name, string Key, string Path, string ConsentText, string ConsentVersion, string? RedirectUrl, DateTimeOffset CreatedAt)
{
    internal static WebFormView Of(WebForm form) =>
        new(form.Id, form.Name, form.Key, "/forms/" + form.Key, form.ConsentText, form.ConsentVersion, form.RedirectUrl, form.CreatedAt);
}

/// <summary>Marketing or an admin adds a public web form; its key goes in the page's form action.</summary>
public sealed class CreateWebForm(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<WebFormView>> HandleAsync(CreateWebFormRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (WebFormRules.Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > WebForm.MaxNameLength || name.Any(char.IsControl))
        {
            errors["name"] = [$"A name of 1 to {WebForm.MaxNameLength} printable characters is required."];
        }

        var consentText = request.ConsentText?.Trim();
        if (string.IsNullOrEmpty(consentText) || consentText.Length > WebForm.MaxConsentTextLength)
        {
            errors["consentText"] = [$"The consent text the form shows (1 to {WebForm.MaxConsentTextLength:N0} characters) is required."];
        }

        var redirect = string.IsNullOrWhiteSpace(request.RedirectUrl) ? null : request.RedirectUrl.Trim();
        if (redirect is not null && (redirect.Length > WebForm.MaxRedirectLength
            || !Uri.TryCreate(redirect, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.UserInfo)))
        {
            errors["redirectUrl"] = ["An absolute http or https address, or leave it out."];
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        var now = clock.GetUtcNow();
        var form = WebForm.Create(actor.OrganisationId, name!, consentText!, redirect, now);
        db.WebForms.Add(form);
        db.AuditEntries.Add(Privacy.AuditEntry.Record(actor, "webform.created", "WebForm", form.Id, ["name", "consentText", "redirectUrl"], now));
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : WebFormView.Of(form);
    }
}

/// <summary>The organisation's web forms; every member may read them.</summary>
public sealed class ListWebForms(LeadgateDbContext db)
{
    public async Task<IReadOnlyList<WebFormView>> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var forms = await db.WebForms.AsNoTracking()
            .Where(f => f.OrganisationId == actor.OrganisationId)
            .ToListAsync(cancellationToken);
        return [.. forms.OrderBy(f => f.CreatedAt).Select(WebFormView.Of)];
    }
}

/// <summary>Deletes a form: later submits answer 404. Leads, events and consent records it made stay.</summary>
public sealed class DeleteWebForm(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<Done>> HandleAsync(Guid id, Actor actor, CancellationToken cancellationToken)
    {
        // Not found comes before the role check, so another organisation learns nothing about the id.
        var form = await db.WebForms.FirstOrDefaultAsync(f => f.Id == id && f.OrganisationId == actor.OrganisationId, cancellationToken);
        if (form is null)
        {
            return new NotFound("Form", id);
        }

        if (WebFormRules.Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        db.WebForms.Remove(form);
        db.AuditEntries.Add(Privacy.AuditEntry.Record(actor, "webform.deleted", "WebForm", form.Id, null, clock.GetUtcNow()));
        return await db.SaveAsync(null, cancellationToken);
    }
}

internal static class WebFormRules
{
    public static Forbidden? Refuse(Actor actor) =>
        actor.IsIn(Roles.Marketing) || actor.IsIn(Roles.Admin) ? null : new Forbidden("Only marketing or an admin manages web forms.");
}
