using Leadgate.Handover;

namespace Leadgate.Web.Components.Settings;

/// <summary>The routing settings as the page edits them: lists as text, the target as one choice.</summary>
public sealed class RoutingDraft
{
    public const string TeamTarget = "team:";
    public const string RepTarget = "rep:";

    public List<TeamDraft> Teams { get; } = [];

    public List<RuleDraft> Rules { get; } = [];

    public static RoutingDraft From(RoutingSettingsView view)
    {
        var draft = new RoutingDraft();
        draft.Teams.AddRange(view.Teams.Select(t => new TeamDraft { Name = t.Name, ManagerId = t.ManagerId, Members = [.. t.Members] }));
        draft.Rules.AddRange(view.Rules.Select(r => new RuleDraft
        {
            Name = r.Name,
            Countries = string.Join(", ", r.Countries),
            MinEmployees = r.MinEmployees,
            MaxEmployees = r.MaxEmployees,
            Sources = string.Join(", ", r.Sources),
            Campaigns = string.Join(", ", r.Campaigns),
            FitTiers = [.. r.FitTiers],
            MinLikelihoodPercent = r.MinLikelihood * 100,
            Target = r.UserId is { } user ? RepTarget + user : TeamTarget + r.Team,
        }));
        return draft;
    }

    public ChangeRoutingRequest ToRequest() => new()
    {
        Teams = [.. Teams.Select(t => new RoutingTeam { Name = t.Name ?? "", ManagerId = t.ManagerId, Members = [.. t.Members] })],
        Rules = [.. Rules.Select(r => new RoutingRule
        {
            Name = r.Name ?? "",
            Countries = List(r.Countries),
            MinEmployees = r.MinEmployees,
            MaxEmployees = r.MaxEmployees,
            Sources = List(r.Sources),
            Campaigns = List(r.Campaigns),
            FitTiers = [.. r.FitTiers],
            MinLikelihood = r.MinLikelihoodPercent / 100,
            Team = r.Target?.StartsWith(TeamTarget, StringComparison.Ordinal) == true ? r.Target[TeamTarget.Length..] : null,
            UserId = r.Target?.StartsWith(RepTarget, StringComparison.Ordinal) == true && Guid.TryParse(r.Target[RepTarget.Length..], out var user) ? user : null,
        })],
    };

    private static List<string> List(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

public sealed class TeamDraft
{
    public string? Name { get; set; }

    public Guid? ManagerId { get; set; }

    public IReadOnlyCollection<Guid> Members { get; set; } = [];
}

public sealed class RuleDraft
{
    public string? Name { get; set; }

    public string? Countries { get; set; }

    public int? MinEmployees { get; set; }

    public int? MaxEmployees { get; set; }

    public string? Sources { get; set; }

    public string? Campaigns { get; set; }

    public IReadOnlyCollection<FitTier> FitTiers { get; set; } = [];

    /// <summary>The rule's minimum likelihood in percent (the model keeps a fraction); empty: any.</summary>
    public decimal? MinLikelihoodPercent { get; set; }

    public string? Target { get; set; }
}
