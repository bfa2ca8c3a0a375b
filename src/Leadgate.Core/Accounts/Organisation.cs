using System.Text.RegularExpressions;
using Leadgate.Common;
using Leadgate.Qualification;

namespace Leadgate.Accounts;

/// <summary>A tenant. Every lead, deal, user and key belongs to exactly one.</summary>
public sealed partial class Organisation
{
    private Organisation()
    {
        Slug = null!;
        Name = null!;
        DefaultCurrency = null!;
        TimeZone = null!;
        SqlMinimum = BantMinimum.Default;
    }

    public Guid Id { get; private set; }

    public string Slug { get; private set; }

    public string Name { get; private set; }

    public string DefaultCurrency { get; private set; }

    public string TimeZone { get; private set; }

    /// <summary>What BANT must show before sales may accept a lead as SQL (default: Need confirmed).</summary>
    public BantMinimum SqlMinimum { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static Result<Organisation> Create(string? slug, string? name, DateTimeOffset at, string currency = "EUR", string timeZone = "Europe/Amsterdam")
    {
        var errors = new Dictionary<string, string[]>();
        var cleanSlug = slug?.Trim().ToLowerInvariant() ?? "";
        if (!SlugShape().IsMatch(cleanSlug))
        {
            errors["slug"] = ["A slug is 2 to 40 lower-case letters, digits or dashes, starting with a letter."];
        }

        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200)
        {
            errors["name"] = ["A name of 1 to 200 characters is required."];
        }

        var parsedCurrency = Currencies.Parse(currency);
        if (!parsedCurrency.IsSuccess)
        {
            errors["currency"] = ["Use a three-letter ISO 4217 currency code such as EUR."];
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        return new Organisation
        {
            Id = Ids.New(at),
            Slug = cleanSlug,
            Name = name!.Trim(),
            DefaultCurrency = parsedCurrency.Value,
            TimeZone = timeZone,
            SqlMinimum = BantMinimum.Default,
            CreatedAt = at,
        };
    }

    public void ChangeSqlMinimum(BantMinimum minimum) => SqlMinimum = minimum;

    [GeneratedRegex("^[a-z][a-z0-9-]{1,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugShape();
}
