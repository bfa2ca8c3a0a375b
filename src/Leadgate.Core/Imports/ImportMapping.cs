using System.Globalization;
using System.Text.Json;
using Leadgate.Common;

namespace Leadgate.Imports;

/// <summary>The lead fields a CSV column can fill.</summary>
public enum ImportField
{
    Ignore,
    Email,
    FirstName,
    LastName,
    JobTitle,
    Phone,
    CompanyName,
    CompanyDomain,
    Website,
    Industry,
    Employees,
    Country,
    Source,
    Campaign,

    /// <summary>The source system's stage (HubSpot lifecycle stage, Salesforce lead status), kept as a fact, never a qualification.</summary>
    Stage,

    /// <summary>The source system's creation date (HubSpot Create Date, Salesforce Created Date).</summary>
    CreatedAt,

    /// <summary>How the lead ended in the source system (converted or not): imported history for prediction, never a qualification.</summary>
    Outcome,

    /// <summary>A column Leadgate has no field for, kept on the lead under the column's name (visits, occupation, …).</summary>
    Attribute,
}

/// <summary>
/// Which column of the file fills which field, and the export it was recognised as. A mapping file may give a column a
/// template (<c>{value}@example.invalid</c>): the field gets the template with the column's value in place of <c>{value}</c>.
/// </summary>
public sealed record ImportMapping(string Format, IReadOnlyList<ImportField> Columns, IReadOnlyList<string> Headers, IReadOnlyList<string?>? Templates = null)
{
    public const string TemplateValue = "{value}";

    /// <summary>The header of the first column mapped to the field, or null if none is: what a row's problem names.</summary>
    public string? HeaderOf(ImportField field)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i] == field)
            {
                return Headers[i];
            }
        }

        return null;
    }

    /// <summary>HubSpot contacts export and Salesforce leads export column names (compared case-insensitively).</summary>
    private static readonly Dictionary<string, ImportField> HubSpot = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Email"] = ImportField.Email,
        ["First Name"] = ImportField.FirstName,
        ["Last Name"] = ImportField.LastName,
        ["Job Title"] = ImportField.JobTitle,
        ["Phone Number"] = ImportField.Phone,
        ["Mobile Phone Number"] = ImportField.Ignore,
        ["Company Name"] = ImportField.CompanyName,
        ["Website URL"] = ImportField.Website,
        ["Company Domain Name"] = ImportField.CompanyDomain,
        ["Industry"] = ImportField.Industry,
        ["Number of Employees"] = ImportField.Employees,
        ["Country/Region"] = ImportField.Country,
        ["Original Source"] = ImportField.Source,
        ["Original Source Drill-Down 1"] = ImportField.Campaign,
        ["Lifecycle Stage"] = ImportField.Stage,
        ["Create Date"] = ImportField.CreatedAt,
    };

    private static readonly Dictionary<string, ImportField> Salesforce = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Email"] = ImportField.Email,
        ["First Name"] = ImportField.FirstName,
        ["Last Name"] = ImportField.LastName,
        ["Title"] = ImportField.JobTitle,
        ["Phone"] = ImportField.Phone,
        ["Mobile"] = ImportField.Ignore,
        ["Company"] = ImportField.CompanyName,
        ["Company / Account"] = ImportField.CompanyName,
        ["Website"] = ImportField.Website,
        ["Industry"] = ImportField.Industry,
        ["No. of Employees"] = ImportField.Employees,
        ["Country"] = ImportField.Country,
        ["Lead Source"] = ImportField.Source,
        ["Campaign"] = ImportField.Campaign,
        ["Lead Status"] = ImportField.Stage,
        ["Created Date"] = ImportField.CreatedAt,
    };

    /// <summary>
    /// A plain file whose headers name the fields, in English or Dutch, as a spreadsheet or another CRM writes them.
    /// </summary>
    private static readonly Dictionary<string, ImportField> Plain = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Email"] = ImportField.Email,
        ["E-mail"] = ImportField.Email,
        ["Email Address"] = ImportField.Email,
        ["E-mail Address"] = ImportField.Email,
        ["First Name"] = ImportField.FirstName,
        ["Last Name"] = ImportField.LastName,
        ["Company"] = ImportField.CompanyName,
        ["Job Title"] = ImportField.JobTitle,
        ["Phone"] = ImportField.Phone,
        ["E-mailadres"] = ImportField.Email,
        ["Emailadres"] = ImportField.Email,
        ["Voornaam"] = ImportField.FirstName,
        ["Achternaam"] = ImportField.LastName,
        ["Bedrijf"] = ImportField.CompanyName,
        ["Functie"] = ImportField.JobTitle,
        ["Telefoon"] = ImportField.Phone,
    };

    // Columns that only one of the two exports has, which is how a header is recognised.
    private static readonly string[] HubSpotMarks = ["Phone Number", "Job Title", "Company Name", "Country/Region", "Lifecycle Stage", "Original Source", "Create Date", "Number of Employees", "Website URL", "Company Domain Name"];
    private static readonly string[] SalesforceMarks = ["Title", "Company", "Company / Account", "Lead Source", "Lead Status", "Created Date", "No. of Employees", "Website"];

    public static readonly IReadOnlyList<string> FieldNames = [.. Enum.GetNames<ImportField>().Select(JsonNamingPolicy.CamelCase.ConvertName)];

    /// <summary>
    /// The mapping for a header: from the mapping file when one is given, otherwise recognised as a HubSpot or Salesforce
    /// export, or as a plain file whose headers name the fields (English or Dutch) when that names more of its columns
    /// or the file has no column only an export has. Refused, listing the columns found, when none applies or no column
    /// holds the e-mail address.
    /// </summary>
    public static Result<ImportMapping> For(IReadOnlyList<string> header, string? mappingJson)
    {
        var headers = header.Select(h => h.Trim()).ToList();
        if (mappingJson is not null)
        {
            return Custom(headers, mappingJson);
        }

        var hubSpot = headers.Count(h => HubSpotMarks.Contains(h, StringComparer.OrdinalIgnoreCase));
        var salesforce = headers.Count(h => SalesforceMarks.Contains(h, StringComparer.OrdinalIgnoreCase));
        var (format, known) = hubSpot >= salesforce ? ("HubSpot", HubSpot) : ("Salesforce", Salesforce);
        var plain = headers.Count(Plain.ContainsKey);
        if (plain > headers.Count(known.ContainsKey) || Math.Max(hubSpot, salesforce) == 0)
        {
            (format, known) = ("Plain", Plain);
        }

        var columns = headers.Select(h => known.GetValueOrDefault(h)).ToList();
        if (!columns.Contains(ImportField.Email))
        {
            return Invalid.Field("header",
                "The columns were not recognised as a HubSpot contacts or Salesforce leads export, nor as plain field names (Email, First Name, … or E-mailadres, Voornaam, …); give a mapping file (--mapping). "
                + "Columns found: " + string.Join(", ", headers.Select(h => $"\"{h}\"")) + ".");
        }

        return new ImportMapping(format, columns, headers);
    }

    /// <summary>
    /// A mapping file: one JSON object, CSV column → field name, e.g. <c>{ "E-mail": "email", "Bedrijf": "companyName" }</c>;
    /// a column may instead map to <c>{ "field": "email", "template": "{value}@example.invalid" }</c>.
    /// </summary>
    private static Result<ImportMapping> Custom(List<string> headers, string mappingJson)
    {
        Dictionary<string, JsonElement>? pairs;
        try
        {
            pairs = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(mappingJson);
        }
        catch (JsonException)
        {
            pairs = null;
        }

        if (pairs is null)
        {
            return Invalid.Field("mapping", "The mapping is not a JSON object of CSV column names to field names, such as { \"E-mail\": \"email\" }.");
        }

        var byColumn = new Dictionary<string, (ImportField Field, string? Template)>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        foreach (var (column, target) in pairs)
        {
            var (fieldName, template) = target.ValueKind switch
            {
                JsonValueKind.String => (target.GetString(), null),
                JsonValueKind.Object => (Member(target, "field"), Member(target, "template")),
                _ => (null, null),
            };
            if (fieldName is null || !Enum.TryParse<ImportField>(fieldName, ignoreCase: true, out var field) || int.TryParse(fieldName, CultureInfo.InvariantCulture, out _))
            {
                errors.Add($"\"{column}\" maps to unknown field \"{fieldName ?? target.ToString()}\"; use one of {string.Join(", ", FieldNames)}, or {{ \"field\": …, \"template\": \"…{TemplateValue}…\" }}.");
                continue;
            }

            if (template is not null && (template.Length > 200 || template.Split(TemplateValue).Length != 2))
            {
                errors.Add($"\"{column}\": a template holds {TemplateValue} once and is at most 200 characters, such as \"{TemplateValue}@example.invalid\".");
                continue;
            }

            if (!headers.Contains(column.Trim(), StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"The file has no column \"{column}\". Columns found: " + string.Join(", ", headers.Select(h => $"\"{h}\"")) + ".");
                continue;
            }

            byColumn[column.Trim()] = (field, template);
        }

        var columns = headers.Select(h => byColumn.GetValueOrDefault(h).Field).ToList();
        if (errors.Count == 0 && !columns.Contains(ImportField.Email))
        {
            errors.Add("No column is mapped to \"email\"; every lead needs an e-mail address.");
        }

        var attributes = headers.Where((_, i) => columns[i] == ImportField.Attribute).ToList();
        if (attributes.Count > Leads.LeadAttributes.MaximumCount)
        {
            errors.Add($"{attributes.Count} columns are mapped to \"attribute\"; at most {Leads.LeadAttributes.MaximumCount}.");
        }

        errors.AddRange(attributes.Where(a => a.Length > Leads.LeadAttributes.MaximumNameLength)
            .Select(a => $"\"{a[..40]}…\": a column kept as an attribute has a name of at most {Leads.LeadAttributes.MaximumNameLength} characters."));

        return errors.Count > 0
            ? new Invalid(new Dictionary<string, string[]> { ["mapping"] = [.. errors] })
            : new ImportMapping("Custom", columns, headers, [.. headers.Select(h => byColumn.GetValueOrDefault(h).Template)]);
    }

    private static string? Member(JsonElement element, string name) =>
        element.TryGetProperty(name, out var member) && member.ValueKind == JsonValueKind.String ? member.GetString() : null;
}
