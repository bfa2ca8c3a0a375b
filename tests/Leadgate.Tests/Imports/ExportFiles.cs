using System.Globalization;
using System.Text;

namespace Leadgate.Tests.Imports;

/// <summary>A generated export: its CSV text, and what an import of it must end with.</summary>
public sealed record ExportFile(string Name, string Csv, int Rows, int DistinctEmails, int DistinctBusinessDomains)
{
    public MemoryStream Open() => new(Encoding.UTF8.GetBytes(Csv));

    public string WriteTo(string folder)
    {
        var path = Path.Combine(folder, Name);
        File.WriteAllText(path, Csv, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        return path;
    }
}

/// <summary>
/// Realistic HubSpot contacts and Salesforce leads exports, generated deterministically from a seed: the columns and
/// value formats those products write (quoted names with commas, "Country/Region" names, lifecycle stages, dates),
/// several contacts per company with the same company facts, free-mail addresses, and the same person twice. HubSpot's
/// Create Date is written <c>yyyy-MM-dd HH:mm</c>; Salesforce's Created Date <c>M/d/yyyy</c>, every third row with a time
/// (<c>M/d/yyyy h:mm tt</c>), as its exports write them depending on the report's settings.
/// </summary>
public static class ExportFiles
{
    private static readonly string[] FirstNames = ["Anna", "Bram", "Chloé", "Daan", "Emma", "Finn", "Greta", "Hugo", "Iris", "Jonas", "Katarzyna", "Lars", "Mila", "Noah", "Olivia", "Pieter", "Quinn", "Ruth", "Sven", "Tess", "Uma", "Victor", "Wen", "Xavier", "Yara", "Zoë", "José", "Siobhán"];
    private static readonly string[] LastNames = ["de Vries", "Jansen", "O'Brien", "Müller", "Smith", "García", "Kowalski", "van den Berg", "Nguyen", "Rossi", "Dubois", "Andersson", "Bakker", "Visser", "Novák", "Smit"];
    private static readonly string[] Titles = ["CTO", "Head of Marketing", "VP Sales", "Operations Manager", "CEO", "Procurement Lead", "IT Director", "Marketing Manager, EMEA", "Founder & CEO", "Data Analyst"];
    private static readonly string[] Industries = ["Computer Software", "Logistics and Supply Chain", "Hospital & Health Care", "Financial Services", "Retail", "Manufacturing", "Education Management"];
    private static readonly string[] Countries = ["Netherlands", "Germany", "Belgium", "United Kingdom", "United States", "France", "Spain", "NL", "Sweden", "Poland"];
    private static readonly string[] CompanyWords = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Vandelay", "Cyberdyne", "Soylent", "Tyrell", "Wonka", "Gringotts", "Oscorp", "Aperture"];
    private static readonly string[] CompanyKinds = ["Logistics", "Software", "Holding", "Health", "Foods", "Systems", "Labs"];
    private static readonly string[] FreeMail = ["gmail.com", "outlook.com", "yahoo.com"];
    private static readonly string[] HubSpotSources = ["ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS", "DIRECT_TRAFFIC", "OFFLINE"];
    private static readonly string[] HubSpotStages = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "other"];
    private static readonly string[] SalesforceSources = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Trade Show", "Other"];
    private static readonly string[] SalesforceStatuses = ["Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"];

    public static ExportFile HubSpot(int rows, int seed = 42) => Generate(rows, seed, hubSpot: true);

    public static ExportFile Salesforce(int rows, int seed = 7) => Generate(rows, seed, hubSpot: false);

    private static ExportFile Generate(int rows, int seed, bool hubSpot)
    {
        var random = new Random(seed);
        var csv = new StringBuilder();
        csv.Append(hubSpot
            ? "Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company Name,Website URL,Industry,Number of Employees,Country/Region,Original Source,Lifecycle Stage,Create Date"
            : "Lead ID,First Name,Last Name,Title,Company,Email,Phone,Website,Industry,No. of Employees,Country,Lead Source,Lead Status,Created Date").Append("\r\n");
        var emails = new HashSet<string>(StringComparer.Ordinal);
        var businessDomains = new HashSet<string>(StringComparer.Ordinal);
        var companies = Math.Max(1, rows / 4);
        var written = new List<string[]>();
        for (var i = 0; i < rows; i++)
        {
            var id = hubSpot ? (100_000 + i).ToString(CultureInfo.InvariantCulture) : "00Q" + (5_000_000 + i).ToString(CultureInfo.InvariantCulture);

            // Every 50th row is an earlier person again (exports that were concatenated): the same lead, not a new one.
            if (i > 0 && i % 50 == 0)
            {
                csv.AppendJoin(',', written[random.Next(written.Count)].Select((value, column) => Quote(column == 0 ? id : value))).Append("\r\n");
                continue;
            }

            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];

            // A company's facts are the same on every row of its people, as in a CRM export.
            var companyNumber = random.Next(companies);
            var company = new Random(seed * 7919 + companyNumber);
            var word = CompanyWords[companyNumber % CompanyWords.Length];
            var companyName = $"{word} {CompanyKinds[companyNumber / CompanyWords.Length % CompanyKinds.Length]}"
                + (companyNumber >= CompanyWords.Length * CompanyKinds.Length ? $" {companyNumber}" : "") + (companyNumber % 9 == 0 ? ", Inc." : " B.V.");
            var domain = $"{word.ToLowerInvariant()}-{companyNumber}.example.com";
            var website = company.Next(5) == 0 ? "" : $"https://www.{domain}/";
            var industry = Industries[company.Next(Industries.Length)];
            var employees = company.Next(4) == 0 ? "" : company.Next(1, 20_000).ToString(hubSpot ? "0" : "#,0", CultureInfo.InvariantCulture);
            var country = Countries[company.Next(Countries.Length)];

            var freeMail = random.Next(10) == 0;
            var local = Ascii($"{first}.{last}.{i}".ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal));
            var email = $"{local}@{(freeMail ? FreeMail[random.Next(FreeMail.Length)] : domain)}";
            emails.Add(email);
            if (website.Length > 0 || !freeMail)
            {
                businessDomains.Add(domain);
            }

            var phone = $"+31 {random.Next(10, 99)} {random.Next(100, 999)} {random.Next(1000, 9999)}";
            var title = Titles[random.Next(Titles.Length)];
            var created = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(random.Next(500_000));
            var fields = hubSpot
                ? new[] { id, first, last, email, phone, title, companyName, website, industry, employees, country, HubSpotSources[random.Next(HubSpotSources.Length)], HubSpotStages[random.Next(HubSpotStages.Length)], created.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) }
                : new[] { id, first, last, title, companyName, email, phone, website, industry, employees, country, SalesforceSources[random.Next(SalesforceSources.Length)], SalesforceStatuses[random.Next(SalesforceStatuses.Length)], created.ToString(i % 3 == 0 ? "M/d/yyyy h:mm tt" : "M/d/yyyy", CultureInfo.InvariantCulture) };
            written.Add(fields);
            csv.AppendJoin(',', fields.Select(Quote)).Append("\r\n");
        }

        return new ExportFile(hubSpot ? $"hubspot-contacts-{rows}.csv" : $"salesforce-leads-{rows}.csv", csv.ToString(), rows, emails.Count, businessDomains.Count);
    }

    public static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static string Ascii(string text)
    {
        var normalised = text.Normalize(NormalizationForm.FormD);
        return new string([.. normalised.Where(c => c < 128 && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)]);
    }
}
