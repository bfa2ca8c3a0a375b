using System.Globalization;
using Leadgate.Common;
using Leadgate.Leads;

namespace Leadgate.Imports;

/// <summary>
/// One good data row, cleaned by the same field rules as the API (<see cref="LeadFields"/>), with the source system's
/// stage and creation date (decision 0007).
/// </summary>
internal sealed record ImportRow(
    EmailAddress Email, string? FirstName, string? LastName, string? JobTitle, string? Phone, string? Source, string? Campaign, CompanyFacts? Company,
    string? SourceStage = null, DateTimeOffset? SourceCreatedAt = null, SourceOutcome? SourceOutcome = null,
    IReadOnlyDictionary<string, string>? Attributes = null)
{
    /// <summary>
    /// The date formats the exports write: ISO 8601 (a date, or a date and time with or without seconds, fraction and
    /// offset), HubSpot's <c>yyyy-MM-dd HH:mm</c>, Salesforce's <c>M/d/yyyy</c> and <c>M/d/yyyy h:mm tt</c>. Without an offset
    /// the time is UTC; a date alone is midnight UTC.
    /// </summary>
    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss",
        "M/d/yyyy", "M/d/yyyy h:mm tt", "M/d/yyyy h:mm:ss tt",
    ];


    private static readonly int FieldCount = Enum.GetValues<ImportField>().Max(f => (int)f) + 1;

    /// <summary>Country names as exports write them ("Netherlands", "United States", "DEU") to ISO 3166 alpha-2 codes.</summary>
    private static readonly Dictionary<string, string> Countries = BuildCountries();

    /// <summary>The row cleaned, or the problems of the row, each naming its column.</summary>
    public static (ImportRow? Row, IReadOnlyList<(string Column, FieldProblem Problem)> Problems) Parse(CsvRecord record, ImportMapping mapping)
    {
        if (record.Problem is { } broken)
        {
            return (null, [("(row)", broken)]);
        }

        if (record.Fields.Count > mapping.Headers.Count)
        {
            return (null, [("(row)", FieldProblem.MoreFieldsThanHeader(record.Fields.Count, mapping.Headers.Count))]);
        }

        // The first column of each field wins; a column with an empty value leaves the field to the next one. By field, the
        // column plus one (zero for none): an array, not a dictionary, as every row of an import makes one.
        var columnOf = new int[FieldCount];
        SortedDictionary<string, string>? attributes = null;
        var fields = new LeadFields();
        for (var i = 0; i < record.Fields.Count; i++)
        {
            var field = mapping.Columns[i];
            if (field == ImportField.Attribute)
            {
                // Every attribute column is kept under its own name; an empty cell keeps what the lead had.
                if (fields.Text(CellOf(i), mapping.Headers[i], LeadAttributes.MaximumValueLength) is { } attribute)
                {
                    (attributes ??= new(StringComparer.Ordinal))[mapping.Headers[i]] = attribute;
                }
            }
            else if (field != ImportField.Ignore && columnOf[(int)field] == 0 && !string.IsNullOrWhiteSpace(record.Fields[i]))
            {
                columnOf[(int)field] = i + 1;
            }
        }

        string CellOf(int i) =>
            mapping.Templates is { } templates && templates[i] is { } template && !string.IsNullOrWhiteSpace(record.Fields[i])
                ? template.Replace(ImportMapping.TemplateValue, OneLine(record.Fields[i]).Trim(), StringComparison.Ordinal)
                : OneLine(record.Fields[i]);
        string? Value(ImportField field) => columnOf[(int)field] is > 0 and var i ? CellOf(i - 1) : null;
        string Column(ImportField field, string fallback) =>
            columnOf[(int)field] is > 0 and var i ? mapping.Headers[i - 1] : mapping.HeaderOf(field) ?? fallback;

        var email = fields.Email(Value(ImportField.Email), Column(ImportField.Email, "email"));
        var firstName = fields.Text(Value(ImportField.FirstName), Column(ImportField.FirstName, ""), 100);
        var lastName = fields.Text(Value(ImportField.LastName), Column(ImportField.LastName, ""), 100);
        var jobTitle = fields.Text(Value(ImportField.JobTitle), Column(ImportField.JobTitle, ""), 200);
        var phone = fields.Text(Value(ImportField.Phone), Column(ImportField.Phone, ""), 50);
        var source = fields.Text(Value(ImportField.Source), Column(ImportField.Source, ""), 100);
        var campaign = fields.Text(Value(ImportField.Campaign), Column(ImportField.Campaign, ""), 200);
        var companyName = fields.Text(Value(ImportField.CompanyName), Column(ImportField.CompanyName, ""), 200);
        var domainField = Value(ImportField.CompanyDomain) is not null ? ImportField.CompanyDomain : ImportField.Website;
        var domain = fields.Domain(Value(domainField), Column(domainField, ""));
        var industry = fields.Text(Value(ImportField.Industry), Column(ImportField.Industry, ""), 100);
        var employees = Employees(Value(ImportField.Employees), Column(ImportField.Employees, ""), fields);
        var country = Country(Value(ImportField.Country), Column(ImportField.Country, ""), fields);
        var sourceStage = fields.Text(Value(ImportField.Stage), Column(ImportField.Stage, ""), 100);
        var sourceCreatedAt = Date(Value(ImportField.CreatedAt), Column(ImportField.CreatedAt, ""), fields);
        var sourceOutcome = Outcome(Value(ImportField.Outcome), Column(ImportField.Outcome, ""), fields);
        if (fields.Problems.Count > 0)
        {
            return (null, [.. fields.Problems.Select(p => (p.Key, p.Value))]);
        }

        var company = companyName is null && domain is null && industry is null && employees is null && country is null
            ? null
            : new CompanyFacts(companyName, domain, industry, employees, country);
        return (new ImportRow(email!, firstName, lastName, jobTitle, phone, source, campaign, company, sourceStage, sourceCreatedAt, sourceOutcome, attributes), []);
    }

    private static readonly System.Buffers.SearchValues<char> LineBreaks = System.Buffers.SearchValues.Create("\r\n\t");

    /// <summary>
    /// A line break or tab inside a field becomes one space: Salesforce and Excel exports carry them in job titles and
    /// company names (a cell edited with Alt+Enter). A run of them is one space; other control characters stay refused.
    /// </summary>
    internal static string OneLine(string value)
    {
        if (value.AsSpan().IndexOfAny(LineBreaks) < 0)
        {
            return value;
        }

        var text = new System.Text.StringBuilder(value.Length);
        var inBreak = false;
        foreach (var c in value)
        {
            if (c is '\r' or '\n' or '\t')
            {
                if (!inBreak)
                {
                    text.Append(' ');
                }

                inBreak = true;
                continue;
            }

            inBreak = false;
            text.Append(c);
        }

        return text.ToString();
    }

    /// <summary>A creation date in one of <see cref="DateFormats"/>, as UTC.</summary>
    private static DateTimeOffset? Date(string? value, string column, LeadFields fields)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(value.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            return date;
        }

        fields.Fail(column, FieldProblem.DateUnreadable);
        return null;
    }

    /// <summary>An outcome as source systems and data sets write it: 1/0, yes/no, true/false, converted/not converted, won/lost.</summary>
    private static Leads.SourceOutcome? Outcome(string? value, string column, LeadFields fields)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "":
                return null;
            case "1" or "yes" or "y" or "true" or "converted" or "won" or "ja":
                return Leads.SourceOutcome.Converted;
            case "0" or "no" or "n" or "false" or "not converted" or "lost" or "nee":
                return Leads.SourceOutcome.NotConverted;
            default:
                fields.Fail(column, FieldProblem.OutcomeUnreadable);
                return null;
        }
    }

    private static int? Employees(string? value, string column, LeadFields fields)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!int.TryParse(value.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var employees))
        {
            fields.Fail(column, FieldProblem.NotWholeNumber);
            return null;
        }

        return fields.Employees(employees, column);
    }

    private static string? Country(string? value, string column, LeadFields fields)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (Countries.TryGetValue(value.Trim(), out var code))
        {
            return code;
        }

        fields.Fail(column, FieldProblem.CountryUnknown);
        return null;
    }

    private static Dictionary<string, string> BuildCountries()
    {
        var countries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["UK"] = "GB",
            ["England"] = "GB",
            ["USA"] = "US",
            ["United States of America"] = "US",
            ["Holland"] = "NL",
            ["The Netherlands"] = "NL",
        };
        foreach (var culture in CultureInfo.GetCultures(CultureTypes.SpecificCultures))
        {
            RegionInfo region;
            try
            {
                region = new RegionInfo(culture.Name);
            }
            catch (ArgumentException)
            {
                continue;
            }

            if (region.TwoLetterISORegionName.Length != 2 || !char.IsAsciiLetter(region.TwoLetterISORegionName[0]))
            {
                continue;
            }

            foreach (var name in new[] { region.TwoLetterISORegionName, region.ThreeLetterISORegionName, region.EnglishName, region.NativeName })
            {
                countries.TryAdd(name, region.TwoLetterISORegionName);
            }
        }

        return countries;
    }
}
