using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Leadgate.Common;

namespace Leadgate.Leads;

/// <summary>The company part of a lead request.</summary>
public sealed record CompanyInput
{
    [MaxLength(200)]
    public string? Name { get; set; }

    [MaxLength(253)]
    public string? Domain { get; set; }

    [MaxLength(100)]
    public string? Industry { get; set; }

    [Range(0, 10_000_000)]
    public int? Employees { get; set; }

    /// <summary>ISO 3166-1 alpha-2, such as NL.</summary>
    [MaxLength(2)]
    public string? Country { get; set; }
}

/// <summary>Checks and cleans the free-text fields of a lead, collecting one message per field.</summary>
internal sealed class LeadFields
{
    // Addresses at these domains say nothing about the company the person works for.
    private static readonly HashSet<string> FreeMailDomains = new(StringComparer.Ordinal)
    {
        "gmail.com", "googlemail.com", "hotmail.com", "outlook.com", "live.com", "yahoo.com", "icloud.com", "me.com",
        "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.net", "hotmail.nl", "live.nl", "ziggo.nl", "kpnmail.nl",
    };

    public Dictionary<string, string[]> Errors { get; } = [];

    /// <summary>The problem behind each message of <see cref="Errors"/> that these checks wrote, by field, with its code (the import's row report keeps it).</summary>
    public Dictionary<string, FieldProblem> Problems { get; } = [];

    /// <summary>Records the field's problem: its English message for the API, and the problem itself.</summary>
    public void Fail(string field, FieldProblem problem)
    {
        Errors[field] = [problem.Message];
        Problems[field] = problem;
    }

    /// <summary>The free-text facts of a create or update request, each checked under its API name.</summary>
    public LeadText Describing(string? firstName, string? lastName, string? jobTitle, string? phone, string? source, string? campaign) => new(
        Text(firstName, "firstName", 100),
        Text(lastName, "lastName", 100),
        Text(jobTitle, "jobTitle", 200),
        Text(phone, "phone", 50),
        Text(source, "source", 100),
        Text(campaign, "campaign", 200));

    public string? Text(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length > maxLength)
        {
            Fail(field, FieldProblem.TooLong(maxLength));
            return null;
        }

        if (HasControlCharacter(trimmed))
        {
            Fail(field, FieldProblem.ControlCharacters);
            return null;
        }

        return trimmed;
    }

    /// <summary>A loop, not LINQ: an import checks a dozen fields a row, and <c>Any</c> allocated an enumerator for each.</summary>
    private static bool HasControlCharacter(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    public EmailAddress? Email(string? value, string field = "email")
    {
        if (EmailAddress.TryParse(value, out var email))
        {
            return email;
        }

        Fail(field, EmailAddress.ProblemOf(value));
        return null;
    }

    public string? Domain(string? value, string field)
    {
        var text = Text(value, field, 253)?.ToLowerInvariant();
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text, UriKind.Absolute, out var uri)
            && uri.HostNameType == UriHostNameType.Dns && uri.Host.Contains('.', StringComparison.Ordinal))
        {
            return uri.Host.StartsWith("www.", StringComparison.Ordinal) ? uri.Host[4..] : uri.Host;
        }

        Fail(field, FieldProblem.DomainInvalid);
        return null;
    }

    public string? Country(string? value, string field)
    {
        var text = Text(value, field, 2)?.ToUpperInvariant();
        if (text is null)
        {
            return null;
        }

        try
        {
            _ = new RegionInfo(text);
            if (text.Length == 2)
            {
                return text;
            }
        }
        catch (ArgumentException)
        {
        }

        Fail(field, FieldProblem.CountryNotIsoCode);
        return null;
    }

    public int? Employees(int? value, string field)
    {
        if (value is < 0 or > 10_000_000)
        {
            Fail(field, FieldProblem.OutOfRange(0, 10_000_000));
            return null;
        }

        return value;
    }

    /// <summary>Whether an address is at a free-mail provider (the person gave no business address).</summary>
    public static bool IsFreeMail(string domain) => FreeMailDomains.Contains(domain);

    /// <summary>
    /// The company an address points at: none for a free-mail domain, nor for a placeholder address under .invalid (the
    /// name RFC 2606 reserves for names that cannot exist), which an import gives the people of a file without addresses.
    /// </summary>
    public static string? CompanyDomainOf(EmailAddress email) =>
        FreeMailDomains.Contains(email.Domain) || email.Domain.EndsWith(".invalid", StringComparison.Ordinal) ? null : email.Domain;

    public Invalid? ToError() => Errors.Count == 0 ? null : new Invalid(Errors);
}

/// <summary>A lead's free-text facts after <see cref="LeadFields.Describing"/> cleaned them.</summary>
internal sealed record LeadText(string? FirstName, string? LastName, string? JobTitle, string? Phone, string? Source, string? Campaign);
