using Leadgate.Common;

namespace Leadgate.Handover;

/// <summary>How well a lead fits the ICP, in three bands of its fit score (and Unknown when no criterion could be judged).</summary>
public enum FitTier
{
    High,
    Medium,
    Low,
    Unknown,
}

/// <summary>A team of sales reps that routing shares MQLs over, round robin.</summary>
public sealed record RoutingTeam
{
    public const int MaxMembers = 200;

    public string Name { get; init; } = "";

    /// <summary>Who hears of a breach in this team (a manager or admin of the organisation); optional.</summary>
    public Guid? ManagerId { get; init; }

    /// <summary>Sales users, in the order round robin starts with.</summary>
    public IReadOnlyList<Guid> Members { get; init; } = [];
}

/// <summary>
/// One routing rule: every condition given must hold (an empty list or a missing bound means "any"); the first rule that
/// holds sends the MQL to its team or its rep.
/// </summary>
public sealed record RoutingRule
{
    public string Name { get; init; } = "";

    /// <summary>ISO 3166 country codes of the company (a region is the list of its countries).</summary>
    public IReadOnlyList<string> Countries { get; init; } = [];

    public int? MinEmployees { get; init; }

    public int? MaxEmployees { get; init; }

    public IReadOnlyList<string> Sources { get; init; } = [];

    public IReadOnlyList<string> Campaigns { get; init; } = [];

    public IReadOnlyList<FitTier> FitTiers { get; init; } = [];

    /// <summary>
    /// Optional: the lead's likelihood by the active model (docs/prediction.md), computed when it is routed, is at least
    /// this (0.6 = 60%). Without an active model no lead meets it.
    /// </summary>
    public decimal? MinLikelihood { get; init; }

    /// <summary>The team's name; or give <see cref="UserId"/> for one rep.</summary>
    public string? Team { get; init; }

    public Guid? UserId { get; init; }

    public static FitTier TierOf(decimal? fit) => fit switch
    {
        null => FitTier.Unknown,
        >= 70m => FitTier.High,
        >= 40m => FitTier.Medium,
        _ => FitTier.Low,
    };

    public bool Matches(string? country, int? employees, string? source, string? campaign, decimal? fit, double? likelihood = null) =>
        (Countries.Count == 0 || (country is not null && Countries.Contains(country, StringComparer.OrdinalIgnoreCase)))
        && (MinEmployees is null || employees >= MinEmployees)
        && (MaxEmployees is null || (employees is not null && employees <= MaxEmployees))
        && (Sources.Count == 0 || (source is not null && Sources.Contains(source, StringComparer.OrdinalIgnoreCase)))
        && (Campaigns.Count == 0 || (campaign is not null && Campaigns.Contains(campaign, StringComparer.OrdinalIgnoreCase)))
        && (FitTiers.Count == 0 || FitTiers.Contains(TierOf(fit)))
        && (MinLikelihood is null || (likelihood is { } p && (decimal)p >= MinLikelihood));
}

/// <summary>An organisation's teams and ordered rules, kept as one JSON document (decision 0008).</summary>
public sealed record RoutingModel
{
    public const int MaxTeams = 100;
    public const int MaxRules = 200;

    public static readonly RoutingModel Default = new();

    public IReadOnlyList<RoutingTeam> Teams { get; init; } = [];

    public IReadOnlyList<RoutingRule> Rules { get; init; } = [];

    /// <summary>
    /// An agency's campaign hand-over rules: every reply of a campaign goes to one client (docs/agency.md). Kept in this
    /// document because they say where leads go, and so they need no table of their own; changing routing keeps them.
    /// </summary>
    public IReadOnlyList<Agency.CampaignRule> AgencyCampaigns { get; init; } = [];

    /// <summary>Checks the document's own shape; <paramref name="salesUsers"/> and <paramref name="managers"/> are the organisation's.</summary>
    public Invalid? Validate(IReadOnlySet<Guid> salesUsers, IReadOnlySet<Guid> managers)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];
        if (Teams is null || Rules is null)
        {
            Add("body", "teams and rules must be lists.");
            return new Invalid(errors);
        }

        if (Teams.Count > MaxTeams)
        {
            Add("teams", $"At most {MaxTeams} teams.");
        }

        if (Rules.Count > MaxRules)
        {
            Add("rules", $"At most {MaxRules} rules.");
        }

        for (var i = 0; i < Teams.Count; i++)
        {
            var at = $"teams[{i}]";
            if (Teams[i] is not { } team)
            {
                Add(at, "A team is required.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(team.Name) || team.Name.Trim().Length > 100)
            {
                Add(at + ".name", "A name of 1 to 100 characters is required.");
            }
            else if (Teams.Take(i).Any(t => string.Equals(t?.Name?.Trim(), team.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                Add(at + ".name", "Another team has this name.");
            }

            if (team.ManagerId is { } manager && !managers.Contains(manager))
            {
                Add(at + ".managerId", "A manager or admin of this organisation.");
            }

            if (team.Members is null || team.Members.Count > RoutingTeam.MaxMembers)
            {
                Add(at + ".members", $"A list of at most {RoutingTeam.MaxMembers} sales users.");
                continue;
            }

            for (var m = 0; m < team.Members.Count; m++)
            {
                if (!salesUsers.Contains(team.Members[m]))
                {
                    Add($"{at}.members[{m}]", "A sales user of this organisation.");
                }
                else if (team.Members.Take(m).Contains(team.Members[m]))
                {
                    Add($"{at}.members[{m}]", "This rep is in the team already.");
                }
            }
        }

        for (var i = 0; i < Rules.Count; i++)
        {
            var at = $"rules[{i}]";
            if (Rules[i] is not { } rule)
            {
                Add(at, "A rule is required.");
                continue;
            }

            if (string.IsNullOrWhiteSpace(rule.Name) || rule.Name.Trim().Length > 100)
            {
                Add(at + ".name", "A name of 1 to 100 characters is required.");
            }

            if (rule.Countries is null || rule.Countries.Any(c => c is null || c.Trim().Length != 2 || !c.Trim().All(char.IsAsciiLetter)))
            {
                Add(at + ".countries", "Two-letter ISO 3166 country codes, such as NL.");
            }

            if (rule.MinEmployees is < 0)
            {
                Add(at + ".minEmployees", "Zero or more.");
            }

            if (rule.MaxEmployees is { } max && (max < 0 || max < rule.MinEmployees))
            {
                Add(at + ".maxEmployees", "At least the minimum.");
            }

            if (rule.Sources is null || rule.Sources.Any(s => string.IsNullOrWhiteSpace(s) || s.Length > 100))
            {
                Add(at + ".sources", "Sources of 1 to 100 characters.");
            }

            if (rule.Campaigns is null || rule.Campaigns.Any(s => string.IsNullOrWhiteSpace(s) || s.Length > 200))
            {
                Add(at + ".campaigns", "Campaigns of 1 to 200 characters.");
            }

            if (rule.FitTiers is null || rule.FitTiers.Any(t => !Enum.IsDefined(t)))
            {
                Add(at + ".fitTiers", "High, Medium, Low or Unknown.");
            }

            if (rule.MinLikelihood is <= 0 or > 1)
            {
                Add(at + ".minLikelihood", "Above 0 and at most 1 (0.6 is 60%), or leave it out.");
            }

            if ((rule.Team is null) == (rule.UserId is null))
            {
                Add(at + ".team", "Send the lead to a team or to one rep (userId): exactly one of the two.");
            }
            else if (rule.Team is { } name && !Teams.Any(t => string.Equals(t?.Name?.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                Add(at + ".team", "No team has this name.");
            }
            else if (rule.UserId is { } user && !salesUsers.Contains(user))
            {
                Add(at + ".userId", "A sales user of this organisation.");
            }
        }

        return errors.Count > 0 ? new Invalid(errors) : null;
    }

    /// <summary>The same document with names and codes trimmed and countries in capitals.</summary>
    public RoutingModel Cleaned() => this with
    {
        Teams = [.. Teams.Select(t => t with { Name = t.Name.Trim() })],
        Rules = [.. Rules.Select(r => r with
        {
            Name = r.Name.Trim(),
            Team = r.Team?.Trim(),
            Countries = [.. r.Countries.Select(c => c.Trim().ToUpperInvariant())],
            Sources = [.. r.Sources.Select(s => s.Trim())],
            Campaigns = [.. r.Campaigns.Select(s => s.Trim())],
        })],
    };
}
