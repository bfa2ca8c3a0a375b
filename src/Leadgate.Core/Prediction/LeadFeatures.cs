using Leadgate.Leads;
using Leadgate.Scoring;

namespace Leadgate.Prediction;

/// <summary>
/// What is known about a lead before sales talks to the person: how it came in, who and where it is, how it engaged, and
/// how it fits the ICP. Nothing recorded after the handover (BANT, activities, stages after MQL) is here: that would give
/// the answer away. <see cref="Cutoff"/> is the moment the facts are taken at: events after it are not counted.
/// </summary>
public sealed record PredictionFacts(
    string? Source,
    string? Campaign,
    string? Country,
    string? Industry,
    int? Employees,
    string? JobTitle,
    string Email,
    bool Imported,
    decimal? FitScore,
    IReadOnlyList<(BehaviourType Type, DateTimeOffset At)> Events,
    DateTimeOffset Cutoff)
{
    /// <summary>The import's own columns (<see cref="Leads.Lead.AttributesJson"/>): learnt from as fields of their own.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();
}

/// <summary>The product's features of a lead, one schema for every organisation; the names are what the lead page shows.</summary>
public static class LeadFeatures
{
    private static readonly BehaviourType[] EventTypes = Enum.GetValues<BehaviourType>();

    /// <summary>The fields every lead has. A schema of an organisation whose leads carry imported attributes adds those after them.</summary>
    public static readonly FeatureSchema Schema = new(
        ["Source", "Campaign", "Country", "Industry", "Company size", "Seniority", "E-mail address", "Came in through"],
        [.. EventTypes.Select(t => $"Events: {t}"), "Days since last event", "Events in the last 30 days", "ICP fit"]);

    /// <summary>What an attribute's field is called when its name is that of one of the product's own fields.</summary>
    private const string ImportedSuffix = " (imported)";

    /// <summary>
    /// The schema for training on these leads: the product's fields, then every imported attribute the leads carry, by
    /// name in ordinal order: numeric when each of its values is a number (invariant culture), categorical otherwise.
    /// </summary>
    public static FeatureSchema SchemaFor(IEnumerable<PredictionFacts> leads)
    {
        var numeric = new SortedDictionary<string, bool>(StringComparer.Ordinal);
        foreach (var lead in leads)
        {
            foreach (var (name, value) in lead.Attributes)
            {
                numeric[name] = numeric.GetValueOrDefault(name, true) && double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
            }
        }

        string FieldOf(string attribute) => Schema.Categorical.Contains(attribute) || Schema.Numeric.Contains(attribute) ? attribute + ImportedSuffix : attribute;
        return new FeatureSchema(
            [.. Schema.Categorical, .. numeric.Where(a => !a.Value).Select(a => FieldOf(a.Key))],
            [.. Schema.Numeric, .. numeric.Where(a => a.Value).Select(a => FieldOf(a.Key))]);
    }

    /// <summary>The attribute a field of a schema reads (an attribute named as a product field has <see cref="ImportedSuffix"/>).</summary>
    private static string AttributeOf(string field) =>
        field.EndsWith(ImportedSuffix, StringComparison.Ordinal) && field[..^ImportedSuffix.Length] is var name
        && (Schema.Categorical.Contains(name) || Schema.Numeric.Contains(name)) ? name : field;

    /// <summary>A lead as a model of the product's own fields sees it.</summary>
    public static Example ToExample(PredictionFacts lead, bool converted) => ToExample(Schema, lead, converted);

    /// <summary>A lead as a model with <paramref name="schema"/> sees it: the product's fields, then its attributes by name (not known when the lead lacks one).</summary>
    public static Example ToExample(FeatureSchema schema, PredictionFacts lead, bool converted)
    {
        var events = lead.Events.Where(e => e.At <= lead.Cutoff).ToList();
        var domain = lead.Email[(lead.Email.LastIndexOf('@') + 1)..];
        double? daysSinceLast = events.Count == 0 ? null : (lead.Cutoff - events.Max(e => e.At)).TotalDays;
        var categories = new List<string?>(schema.Categorical.Count)
        {
            lead.Source, lead.Campaign, lead.Country, lead.Industry, SizeBand(lead.Employees), Seniority(lead.JobTitle),
            LeadFields.IsFreeMail(domain) ? "free-mail" : "business", lead.Imported ? "import" : "form, API or outreach",
        };
        var numbers = new List<double?>(schema.Numeric.Count);
        numbers.AddRange(EventTypes.Select(t => (double?)events.Count(e => e.Type == t)));
        numbers.AddRange([daysSinceLast, events.Count(e => e.At > lead.Cutoff.AddDays(-30)), lead.FitScore is { } fit ? (double)fit : null]);
        foreach (var field in schema.Categorical.Skip(Schema.Categorical.Count))
        {
            categories.Add(lead.Attributes.GetValueOrDefault(AttributeOf(field)));
        }

        foreach (var field in schema.Numeric.Skip(Schema.Numeric.Count))
        {
            numbers.Add(lead.Attributes.GetValueOrDefault(AttributeOf(field)) is { } text
                && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null);
        }

        return new Example(categories, numbers, converted);
    }

    /// <summary>Company size in the bands sales speaks of.</summary>
    public static string? SizeBand(int? employees) => employees switch
    {
        null => null,
        < 10 => "1-9",
        < 50 => "10-49",
        < 250 => "50-249",
        < 1000 => "250-999",
        _ => "1000+",
    };

    /// <summary>Seniority read from a job title, in English or Dutch; null when the title says nothing.</summary>
    public static string? Seniority(string? jobTitle)
    {
        if (string.IsNullOrWhiteSpace(jobTitle))
        {
            return null;
        }

        var title = $" {jobTitle.ToLowerInvariant()} ";
        static bool Any(string title, params string[] words) => words.Any(w => title.Contains(w, StringComparison.Ordinal));
        return true switch
        {
            _ when Any(title, "chief", " ceo", " cfo", " cto", " coo", " cmo", " cio", "founder", "owner", "president", "eigenaar", "directeur", "managing director") => "Executive",
            _ when Any(title, " vp", "vice president", "head of", " director", "hoofd ") => "Director",
            _ when Any(title, "manager", "lead ", "teamleider", "leidinggevende") => "Manager",
            _ when Any(title, "intern", "student", "stagiair", "trainee") => "Student or intern",
            _ => "Individual contributor",
        };
    }
}

/// <summary>How a lead's outcome is read for training (PRODUCT.md §3 stages).</summary>
public enum TargetStage
{
    Sql,
    Customer,
}

public static class TrainingLabels
{
    /// <summary>How long a lead sent back to nurture may take to qualify again before it counts as not converted.</summary>
    public static readonly TimeSpan DefaultRequalifyWindow = TimeSpan.FromDays(90);

    /// <summary>
    /// Converted when the lead reached the target stage; not converted when it was disqualified, or sent back (nurture, or a
    /// lost deal for the Customer target) and not qualified again within the window; otherwise open (null): scored, never
    /// trained on.
    /// </summary>
    public static bool? Outcome(Stage stage, Stage highestStage, DateTimeOffset stageChangedAt, TargetStage target, TimeSpan window, DateTimeOffset now)
    {
        var targetRank = (target == TargetStage.Sql ? Stage.Sql : Stage.Customer).FunnelRank()!.Value;
        if (highestStage.FunnelRank() >= targetRank)
        {
            return true;
        }

        return stage switch
        {
            Stage.Disqualified => false,
            Stage.Nurture => now - stageChangedAt >= window ? false : null,
            Stage.Iql or Stage.Mql or Stage.Sql or Stage.Opportunity or Stage.Customer => null,
        };
    }
}
