using Leadgate.Common;

namespace Leadgate.Leads;

/// <summary>The person a lead is about. One e-mail address is one contact per organisation.</summary>
public sealed class Contact
{
    private Contact()
    {
        Email = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public string Email { get; private set; }

    public string? FirstName { get; private set; }

    public string? LastName { get; private set; }

    public string? JobTitle { get; private set; }

    public string? Phone { get; private set; }

    /// <summary>The basis the organisation holds this person's data on, where it was recorded from, and when; null until recorded.</summary>
    public Privacy.LawfulBasis? LawfulBasis { get; private set; }

    public Privacy.LawfulBasisSource? LawfulBasisSource { get; private set; }

    public DateTimeOffset? LawfulBasisAt { get; private set; }

    public string FullName => string.Join(' ', new[] { FirstName, LastName }.Where(n => !string.IsNullOrWhiteSpace(n)));

    /// <summary>How lists name a person read by projection: the full name, or the e-mail address when there is none.</summary>
    public static string NameOf(string? firstName, string? lastName, string email) =>
        string.Join(' ', new[] { firstName, lastName }.Where(n => !string.IsNullOrWhiteSpace(n))) is { Length: > 0 } name ? name : email;

    internal static Contact Create(Guid organisationId, EmailAddress email, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = organisationId,
        Email = email.Value,
    };

    internal void ChangeEmail(EmailAddress email) => Email = email.Value;

    /// <summary>Records the basis the first time it is known; a later intake path does not replace it.</summary>
    internal void RecordBasis(Privacy.LawfulBasis basis, Privacy.LawfulBasisSource source, DateTimeOffset at)
    {
        if (LawfulBasis is null || (basis == Privacy.LawfulBasis.Consent && LawfulBasis != Privacy.LawfulBasis.Consent))
        {
            LawfulBasis = basis;
            LawfulBasisSource = source;
            LawfulBasisAt = at;
        }
    }

    /// <summary>The address an erased person's contact keeps: unique, and about nobody (docs/privacy.md).</summary>
    public static string ErasedEmailOf(Guid contactId) => $"erased-{contactId:N}@erased.invalid";

    public bool IsErased => Email == ErasedEmailOf(Id);

    /// <summary>Whether a stored address is an erased contact's placeholder (<see cref="ErasedEmailOf"/>).</summary>
    public static bool IsErasedAddress(string email) =>
        email.StartsWith("erased-", StringComparison.Ordinal) && email.EndsWith("@erased.invalid", StringComparison.Ordinal);

    /// <summary>Erasure (docs/privacy.md): the person's data goes; the contact stays, so leads, deals and the funnel keep their rows.</summary>
    internal void Erase()
    {
        Email = ErasedEmailOf(Id);
        FirstName = null;
        LastName = null;
        JobTitle = null;
        Phone = null;
    }

    internal void Describe(string? firstName, string? lastName, string? jobTitle, string? phone)
    {
        FirstName = firstName;
        LastName = lastName;
        JobTitle = jobTitle;
        Phone = phone;
    }
}

/// <summary>The organisation a contact works for, recognised by its domain.</summary>
public sealed class Company
{
    private Company()
    {
        Name = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public string Name { get; private set; }

    public string? Domain { get; private set; }

    public string? Industry { get; private set; }

    public int? Employees { get; private set; }

    /// <summary>ISO 3166-1 alpha-2.</summary>
    public string? Country { get; private set; }

    /// <summary>The company this one was merged into (its leads moved there); null for a company of its own.</summary>
    public Guid? MergedIntoId { get; private set; }

    internal static Company Create(Guid organisationId, string name, string? domain, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = organisationId,
        Name = name,
        Domain = domain,
    };

    internal void Describe(string name, string? industry, int? employees, string? country)
    {
        Name = name;
        Industry = industry;
        Employees = employees;
        Country = country;
    }

    /// <summary>Merge: this company names its survivor and lets go of its domain (unique in the organisation).</summary>
    internal void MergeInto(Guid survivorId)
    {
        MergedIntoId = survivorId;
        Domain = null;
    }

    /// <summary>Merge: the survivor fills its empty fields from the merged company; answers the names of those it filled.</summary>
    internal IReadOnlyList<string> Absorb(Company merged, string? mergedDomain)
    {
        var filled = new List<string>();
        if (Domain is null && mergedDomain is not null)
        {
            Domain = mergedDomain;
            filled.Add("domain");
        }

        if (Industry is null && merged.Industry is not null)
        {
            Industry = merged.Industry;
            filled.Add("industry");
        }

        if (Employees is null && merged.Employees is not null)
        {
            Employees = merged.Employees;
            filled.Add("employees");
        }

        if (Country is null && merged.Country is not null)
        {
            Country = merged.Country;
            filled.Add("country");
        }

        return filled;
    }
}
