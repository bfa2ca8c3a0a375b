using Leadgate.Data;
using Leadgate.Handover;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Reports;

/// <summary>One group of a grouped report: its key (null for leads without a value), its label and the rows it sums.</summary>
internal sealed record ReportGroup(string? Key, string Label, IReadOnlyList<ReportRow> Rows);

/// <summary>Labels and order of a grouped report's groups, and the fold of owners into teams.</summary>
internal static class ReportGroups
{
    /// <summary>The names to show for keys that are ids (owners, pipelines); other keys are their own label.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> LabelsAsync(
        LeadgateDbContext db, Guid organisationId, ReportGrouping by, IEnumerable<string?> keys, CancellationToken cancellationToken)
    {
        if (by is not (ReportGrouping.Owner or ReportGrouping.Team or ReportGrouping.Pipeline))
        {
            return new Dictionary<string, string>();
        }

        var ids = keys.OfType<string>().Select(Guid.Parse).Distinct().ToList();
        switch (by)
        {
            case ReportGrouping.Owner or ReportGrouping.Team when ids.Count > 0:
                return await db.Users.AsNoTracking().Where(u => u.OrganisationId == organisationId && ids.Contains(u.Id))
                    .ToDictionaryAsync(u => u.Id.ToString(), u => u.DisplayName.Length > 0 ? u.DisplayName : "(unnamed user)", cancellationToken);
            case ReportGrouping.Pipeline when ids.Count > 0:
                return await db.Pipelines.AsNoTracking().Where(p => p.OrganisationId == organisationId && ids.Contains(p.Id))
                    .ToDictionaryAsync(p => p.Id.ToString(), p => p.Name, cancellationToken);
            default:
                return new Dictionary<string, string>();
        }
    }

    /// <summary>
    /// The rows as groups, ordered by label (the group without a value last). For a team the rows (one per owner) are
    /// folded into the routing teams the owner is a member of — a rep in two teams counts in both; owners in no team form
    /// the group without a value. With a team filter only that team is shown.
    /// </summary>
    public static IEnumerable<ReportGroup> Fold(
        ReportGrouping by, IReadOnlyList<ReportRow> rows, IReadOnlyDictionary<string, string> labels, string? onlyTeam, RoutingModel? routing = null)
    {
        List<ReportGroup> groups;
        if (by == ReportGrouping.Team)
        {
            var teams = routing?.Teams ?? [];
            groups = [];
            foreach (var team in teams.Where(t => onlyTeam is null || string.Equals(t.Name, onlyTeam, StringComparison.OrdinalIgnoreCase)))
            {
                var members = team.Members.Select(m => m.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
                groups.Add(new ReportGroup(team.Name, team.Name, [.. rows.Where(r => r.Key is not null && members.Contains(r.Key))]));
            }

            if (onlyTeam is null)
            {
                var inTeams = teams.SelectMany(t => t.Members).Select(m => m.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var outside = rows.Where(r => r.Key is null || !inTeams.Contains(r.Key)).ToList();
                if (outside.Count > 0)
                {
                    groups.Add(new ReportGroup(null, NoValue(by), outside));
                }
            }
        }
        else
        {
            groups = [.. rows.GroupBy(r => r.Key).Select(g => new ReportGroup(
                g.Key, g.Key is null ? NoValue(by) : labels.GetValueOrDefault(g.Key, g.Key), [.. g]))];
        }

        return groups.OrderBy(g => g.Key is null).ThenBy(g => g.Label, StringComparer.OrdinalIgnoreCase).ThenBy(g => g.Key, StringComparer.Ordinal);
    }

    /// <summary>The label of the group of leads without a value for the grouping.</summary>
    public static string NoValue(ReportGrouping by) => by switch
    {
        ReportGrouping.Source => "(no source)",
        ReportGrouping.Campaign => "(no campaign)",
        ReportGrouping.Owner => "(unassigned)",
        ReportGrouping.Team => "(no team)",
        ReportGrouping.FitTier => "(no fit tier)",
        ReportGrouping.Pipeline => "(no deal)",
    };
}
