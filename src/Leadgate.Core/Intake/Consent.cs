using Leadgate.Common;

namespace Leadgate.Intake;

/// <summary>
/// A person's consent, as given on a web form: the exact text and its version, when, and through which form. The text
/// is copied, so the record still says what was agreed after the form is deleted. No IP address is kept.
/// Append-only.
/// </summary>
public sealed class Consent
{
    private Consent()
    {
        FormName = null!;
        Text = null!;
        TextVersion = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid ContactId { get; private set; }

    public Guid FormId { get; private set; }

    public string FormName { get; private set; }

    public string Text { get; private set; }

    public string TextVersion { get; private set; }

    public DateTimeOffset GivenAt { get; private set; }

    internal static Consent Given(WebForm form, Guid contactId, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = form.OrganisationId,
        ContactId = contactId,
        FormId = form.Id,
        FormName = form.Name,
        Text = form.ConsentText,
        TextVersion = form.ConsentVersion,
        GivenAt = at,
    };
}
