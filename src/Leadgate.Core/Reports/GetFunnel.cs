using System.Data.Common;
using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Leadgate.Reports;

/// <summary>A ratio that says what it is of: <see cref="Rate"/> = numerator / denominator, null when the denominator is 0.</summary>
public sealed record Ratio(long Numerator, long Denominator, decimal? Rate)
{
    public static Ratio Of(long numerator, long denominator) =>
        new(numerator, denominator, denominator == 0 ? null : decimal.Round((decimal)numerator / denominator, 4));
}

/// <summary>One funnel stage's figures (docs/reports.md); <see cref="ConversionToNext"/> is null for Customer, the last stage.</summary>
public sealed record FunnelStage(Stage Stage, long Entered, long Reached, long Skipped, long Recycled, long Exited, Ratio? ConversionToNext);

/// <summary>The funnel of one group: its key (null for leads without a value) and a label to show.</summary>
public sealed record FunnelGroup(string? Key, string Label, IReadOnlyList<FunnelStage> Stages);

/// <summary>
/// The funnel: <see cref="Stages"/> over every lead the filter counts, in funnel order; <see cref="Groups"/> when grouped.
/// <see cref="RatioKind"/> says how to read the conversions: <c>periodRatio</c> (may exceed 100%) or <c>cohortRatio</c>.
/// </summary>
public sealed record FunnelReport(
    string View, string RatioKind, DateOnly From, DateOnly To, bool IncludeImported, string? By,
    IReadOnlyList<FunnelStage> Stages, IReadOnlyList<FunnelGroup>? Groups);

/// <summary>
/// The funnel report of docs/reports.md, counted in the database in one aggregation: a row per lead of its first entry
/// into each stage, its first reach of each stage and its entries and exits, summed per group. The same SQL runs on
/// SQLite and PostgreSQL; only the parameters' values differ (keys and times as each provider stores them).
/// </summary>
public sealed class GetFunnel(LeadgateDbContext db, TimeProvider clock)
{
    /// <summary>The funnel stages in order; the side stages (Nurture, Disqualified) are exits, not rows.</summary>
    public static readonly IReadOnlyList<Stage> FunnelStages = [Stage.Iql, Stage.Mql, Stage.Sql, Stage.Opportunity, Stage.Customer];

    public async Task<Result<FunnelReport>> HandleAsync(ReportQuery query, Actor actor, CancellationToken cancellationToken)
    {
        if (ReportFilter.Refused(actor) is { } refused)
        {
            return refused;
        }

        var parsed = await ReportFilter.ParseAsync(query, db, actor.OrganisationId, clock.GetUtcNow(), cancellationToken);
        if (parsed.Error is { } invalid)
        {
            return invalid;
        }

        return await CountAsync(parsed.Value, actor.OrganisationId, cancellationToken);
    }

    /// <summary>
    /// The funnel of <paramref name="filter"/>; without <paramref name="entriesAndExits"/> only what the leads' funnel rows give
    /// (entered, reached, skipped), with <c>recycled</c> and <c>exited</c> left 0 — for a report that reads no more (sources).
    /// </summary>
    internal async Task<FunnelReport> CountAsync(ReportFilter filter, Guid organisationId, CancellationToken cancellationToken, bool entriesAndExits = true)
    {
        var rows = await ReadAsync(filter, organisationId, entriesAndExits, cancellationToken);
        var total = Stages(rows.Select(r => r.Counts));
        IReadOnlyList<FunnelGroup>? groups = null;
        if (filter.By is { } by)
        {
            var labels = await ReportGroups.LabelsAsync(db, organisationId, by, rows.Select(r => r.Key), cancellationToken);
            var routing = by == ReportGrouping.Team ? (await db.HandoverSettingsOfAsync(organisationId, cancellationToken)).Routing : null;
            groups = [.. ReportGroups.Fold(by, rows, labels, filter.Team, routing)
                .Select(g => new FunnelGroup(g.Key, g.Label, Stages(g.Rows.Select(r => r.Counts))))];
        }

        var cohort = filter.View == ReportView.Cohort;
        return new FunnelReport(
            cohort ? "cohort" : "period", cohort ? "cohortRatio" : "periodRatio", filter.From, filter.To, filter.IncludeImported,
            filter.By is { } grouping ? ReportFilter.Camel(grouping.ToString()) : null, total, groups);
    }

    /// <summary>The figures of a set of rows, summed, in funnel order; each stage's conversion is reached(next) / reached(stage).</summary>
    private static List<FunnelStage> Stages(IEnumerable<long[]> counts)
    {
        var sum = new long[Columns * FunnelStages.Count];
        foreach (var row in counts)
        {
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += row[i];
            }
        }

        var stages = new List<FunnelStage>(FunnelStages.Count);
        for (var s = 0; s < FunnelStages.Count; s++)
        {
            long At(int stage, int column) => sum[(stage * Columns) + column];
            var next = s + 1 < FunnelStages.Count ? Ratio.Of(At(s + 1, Reached), At(s, Reached)) : null;
            stages.Add(new FunnelStage(FunnelStages[s], At(s, Entered), At(s, Reached), At(s, Skipped), At(s, Entries) - At(s, Entered), At(s, Exits), next));
        }

        return stages;
    }

    private const int Columns = 5;
    private const int Entered = 0;
    private const int Reached = 1;
    private const int Skipped = 2;
    private const int Entries = 3;
    private const int Exits = 4;

    /// <summary>
    /// The counts per group key, from two reads: the leads' first entries and reaches (<see cref="LeadFunnel"/>), and the stage
    /// events of the period (or of the cohort's leads) counted per target and source stage, for entries and exits. A group
    /// with nothing to count is left out.
    /// </summary>
    private async Task<List<ReportRow>> ReadAsync(ReportFilter filter, Guid organisationId, bool entriesAndExits, CancellationToken cancellationToken)
    {
        var reading = new ReportReading(db, filter, organisationId, []);
        var rows = new Dictionary<string, ReportRow>(StringComparer.Ordinal);
        long[] CountsOf(object key)
        {
            var text = ReportSql.KeyOf(key);
            if (!rows.TryGetValue(text ?? "", out var row))
            {
                rows[text ?? ""] = row = new ReportRow(text, new long[Columns * FunnelStages.Count]);
            }

            return row.Counts;
        }

        await reading.EachAsync(sql => LeadSql(filter, sql), r =>
        {
            var counts = CountsOf(r.GetValue(0));
            for (var s = 0; s < FunnelStages.Count; s++)
            {
                counts[(s * Columns) + Entered] += ReportReading.Long(r, 1 + (s * 3));
                counts[(s * Columns) + Reached] += ReportReading.Long(r, 2 + (s * 3));
                counts[(s * Columns) + Skipped] += ReportReading.Long(r, 3 + (s * 3));
            }
        }, cancellationToken);
        if (!entriesAndExits)
        {
            return [.. rows.Values.Where(r => r.Counts.Any(c => c != 0))];
        }

        await reading.EachAsync(sql => EventSql(filter, sql, exits: false), r =>
        {
            var entered = IndexOf(Enum.Parse<Stage>(r.GetString(1)));
            CountsOf(r.GetValue(0))[(entered * Columns) + Entries] += ReportReading.Long(r, 2);
        }, cancellationToken);
        await reading.EachAsync(sql => EventSql(filter, sql, exits: true), r =>
        {
            var counts = CountsOf(r.GetValue(0));
            for (var s = 0; s < FunnelStages.Count; s++)
            {
                counts[(s * Columns) + Exits] += ReportReading.Long(r, 2 + s);
            }
        }, cancellationToken);
        return [.. rows.Values.Where(r => r.Counts.Any(c => c != 0))];
    }

    private static int IndexOf(Stage stage)
    {
        for (var s = 0; s < FunnelStages.Count; s++)
        {
            if (FunnelStages[s] == stage)
            {
                return s;
            }
        }

        return -1;
    }

    /// <summary>The lead and its deal, joined only to filter or group by them (<see cref="ReportSql.ReadsLead"/>, <see cref="ReportSql.DealOfLead"/>).</summary>
    private static string LeadJoin(ReportFilter filter, string leadId) => ReportSql.ReadsLead(filter)
        ? $" JOIN \"Leads\" l ON l.\"Id\" = {leadId}" + ReportSql.DealOfLead(filter)
        : "";

    /// <summary>
    /// Per group, from the leads' funnel rows: per stage how many first entered it, first reached it, and reached it without
    /// entering it first (a skip) — in the period in the period view; in the cohort view over the leads whose funnel start
    /// (r0) lies in the period, whenever it happened.
    /// </summary>
    private static string LeadSql(ReportFilter filter, ReportSql parameters)
    {
        var cohort = filter.View == ReportView.Cohort;
        string Column(int s, bool reached) => $"f.\"{LeadFunnel.Column(s, reached, filter.IncludeImported)}\"";
        var sql = new StringBuilder("SELECT ").Append(ReportSql.GroupKey(filter.By)).Append(" AS group_key");
        for (var s = 0; s < FunnelStages.Count; s++)
        {
            var (e, r) = (Column(s, reached: false), Column(s, reached: true));
            var entered = cohort ? $"{e} IS NOT NULL" : $"{e} >= @from AND {e} < @to";
            var reached = cohort ? $"{r} IS NOT NULL" : $"{r} >= @from AND {r} < @to";
            sql.Append(CultureInfo.InvariantCulture, $", SUM(CASE WHEN {entered} THEN 1 ELSE 0 END)");
            sql.Append(CultureInfo.InvariantCulture, $", SUM(CASE WHEN {reached} THEN 1 ELSE 0 END)");
            sql.Append(CultureInfo.InvariantCulture, $", SUM(CASE WHEN {reached} AND ({e} IS NULL OR {e} > {r}) THEN 1 ELSE 0 END)");
        }

        // A lead counted in the period reached its first funnel stage before the period's end.
        var start = Column(0, reached: true);
        sql.Append(" FROM \"LeadFunnels\" f").Append(LeadJoin(filter, "f.\"LeadId\""));
        sql.Append(" WHERE f.\"OrganisationId\" = @org AND ").Append(start).Append(cohort ? " >= @from AND " : " IS NOT NULL AND ").Append(start).Append(" < @to");
        sql.Append(parameters.LeadFilters(filter));
        if (filter.By is not null)
        {
            sql.Append(" GROUP BY ").Append(ReportSql.GroupKey(filter.By));
        }

        return sql.ToString();
    }

    /// <summary>
    /// Per group and target stage, the stage events of the period in the period view, or every event of the cohort's leads in
    /// the cohort view: the entries into each funnel stage, or with <paramref name="exits"/> the moves to Nurture or
    /// Disqualified, summed per funnel stage they left (a column each). Grouped by the target alone, the index on
    /// (organisation, to, at, …) gives the rows in that order, and nothing is sorted.
    /// </summary>
    private static string EventSql(ReportFilter filter, ReportSql parameters, bool exits)
    {
        var cohort = filter.View == ReportView.Cohort;
        IReadOnlyList<Stage> into = exits ? [Stage.Nurture, Stage.Disqualified] : FunnelStages;
        var targets = string.Join(", ", into.Select(s => $"'{s}'"));
        var sql = new StringBuilder("SELECT ").Append(ReportSql.GroupKey(filter.By)).Append(" AS group_key, e.\"To\"");
        if (exits)
        {
            foreach (var stage in FunnelStages)
            {
                sql.Append(CultureInfo.InvariantCulture, $", SUM(CASE WHEN e.\"From\" = '{stage}' THEN 1 ELSE 0 END)");
            }
        }
        else
        {
            sql.Append(", COUNT(*)");
        }

        if (cohort)
        {
            var start = $"f.\"{LeadFunnel.Column(0, reached: true, filter.IncludeImported)}\"";
            sql.Append(" FROM \"LeadFunnels\" f JOIN \"StageEvents\" e ON e.\"LeadId\" = f.\"LeadId\"").Append(LeadJoin(filter, "f.\"LeadId\""));
            sql.Append(CultureInfo.InvariantCulture, $" WHERE f.\"OrganisationId\" = @org AND {start} >= @from AND {start} < @to AND e.\"To\" IN ({targets})");
        }
        else
        {
            sql.Append(" FROM \"StageEvents\" e").Append(LeadJoin(filter, "e.\"LeadId\""));
            sql.Append(CultureInfo.InvariantCulture, $" WHERE e.\"OrganisationId\" = @org AND e.\"To\" IN ({targets}) AND e.\"At\" >= @from AND e.\"At\" < @to");
        }

        if (!filter.IncludeImported)
        {
            sql.Append(CultureInfo.InvariantCulture, $" AND e.\"ActorKind\" <> '{ActorKind.Import}'");
        }

        sql.Append(parameters.LeadFilters(filter));
        sql.Append(" GROUP BY ").Append(filter.By is null ? "" : ReportSql.GroupKey(filter.By) + ", ").Append("e.\"To\"");
        return sql.ToString();
    }

    internal static object Key(Guid id, bool sqlite) => Scoring.EventReads.Key(id, sqlite);

    internal static object Time(DateTimeOffset at, bool sqlite) => Scoring.EventReads.Time(at, sqlite);
}

/// <summary>One group's row of a report's aggregation: its key as text (null for leads without a value) and its counts.</summary>
internal sealed record ReportRow(string? Key, long[] Counts);

/// <summary>The parts of a report's SQL shared by every report over leads: the group key and the lead filters.</summary>
internal sealed class ReportSql(DbCommand command, bool sqlite)
{
    private int _count;

    public void Add(string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>The fit tier of a lead's fit score, as routing bands it (<see cref="Handover.RoutingRule.TierOf"/>).</summary>
    public const string FitTierSql =
        "CASE WHEN l.\"FitScore\" IS NULL THEN 'Unknown' WHEN l.\"FitScore\" >= 70 THEN 'High' WHEN l.\"FitScore\" >= 40 THEN 'Medium' ELSE 'Low' END";

    /// <summary>The column a grouping splits by; a team groups by owner here and is folded into teams afterwards.</summary>
    public static string GroupKey(ReportGrouping? by) => by switch
    {
        null => "NULL",
        ReportGrouping.Source => "l.\"Source\"",
        ReportGrouping.Campaign => "l.\"Campaign\"",
        ReportGrouping.Owner or ReportGrouping.Team => "l.\"OwnerId\"",
        ReportGrouping.FitTier => FitTierSql,
        ReportGrouping.Pipeline => "d.\"PipelineId\"",
        _ => throw new ArgumentOutOfRangeException(nameof(by)),
    };

    /// <summary>The routing teams (name, members) a team grouping joins; empty for other groupings.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<Guid> Members)> Teams { get; init; } = [];

    /// <summary>
    /// The group key of the reports that group in SQL: as <see cref="GroupKey"/>, but a team is the team's name through
    /// <see cref="TeamJoin"/> (a rep in two teams counts in both; owners in no team have no key).
    /// </summary>
    public static string GroupKeyOf(ReportGrouping? by) => by == ReportGrouping.Team ? "tm.team_name" : GroupKey(by);

    /// <summary>For a team grouping: the lead's owner joined to the teams it is a member of (none: one row without a team).</summary>
    public string TeamJoin(ReportGrouping? by)
    {
        if (by != ReportGrouping.Team)
        {
            return "";
        }

        var pairs = new List<string>();
        foreach (var (name, members) in Teams)
        {
            foreach (var member in members)
            {
                var index = _count++;
                Add($"@teamName{index}", name);
                Add($"@teamMember{index}", GetFunnel.Key(member, sqlite));
                pairs.Add($"SELECT @teamName{index} AS team_name, @teamMember{index} AS member_id");
            }
        }

        return pairs.Count == 0
            ? " LEFT JOIN (SELECT 'none' AS team_name) tm ON 1 = 0"
            : $" LEFT JOIN ({string.Join(" UNION ALL ", pairs)}) tm ON tm.member_id = l.\"OwnerId\"";
    }

    /// <summary>
    /// Whether a report over events or handovers must join their lead (and its deal): only to group or to filter by it. Without
    /// either, the organisation's own rows are all counted, and the join to a million leads is left out.
    /// </summary>
    public static bool ReadsLead(ReportFilter filter) =>
        filter.By is not null || filter.Source is not null || filter.Campaign is not null || filter.OwnerId is not null
        || filter.Team is not null || filter.FitTier is not null || filter.PipelineId is not null;

    /// <summary>
    /// The lead's deal (alias d), joined only where a pipeline filter or grouping reads it: for a million leads the join was a
    /// fifth of the sources report's time, for nothing else.
    /// </summary>
    public static string DealOfLead(ReportFilter filter) =>
        filter.By == ReportGrouping.Pipeline || filter.PipelineId is not null ? " LEFT JOIN \"Deals\" d ON d.\"Id\" = l.\"DealId\"" : "";

    /// <summary>
    /// The filters on the lead (alias l) and its deal (alias d), each value a parameter; owner and team by the lead's owner, or
    /// with <paramref name="ownerOf"/> <c>d</c> by the deal's (the forecast's deal filters).
    /// </summary>
    public string LeadFilters(ReportFilter filter, string ownerOf = "l")
    {
        var sql = new StringBuilder();
        if (filter.Source is { } source)
        {
            Add("@source", source);
            sql.Append(" AND l.\"Source\" = @source");
        }

        if (filter.Campaign is { } campaign)
        {
            Add("@campaign", campaign);
            sql.Append(" AND l.\"Campaign\" = @campaign");
        }

        if (filter.OwnerId is { } owner)
        {
            Add("@owner", GetFunnel.Key(owner, sqlite));
            sql.Append(" AND ").Append(ownerOf).Append(".\"OwnerId\" = @owner");
        }

        if (filter.Team is not null)
        {
            if (filter.TeamMembers.Count == 0)
            {
                sql.Append(" AND 1 = 0");
            }
            else
            {
                var names = new List<string>();
                foreach (var member in filter.TeamMembers)
                {
                    var name = $"@member{_count++}";
                    Add(name, GetFunnel.Key(member, sqlite));
                    names.Add(name);
                }

                sql.Append(" AND ").Append(ownerOf).Append(".\"OwnerId\" IN (").Append(string.Join(", ", names)).Append(')');
            }
        }

        if (filter.FitTier is { } tier)
        {
            Add("@fitTier", tier.ToString());
            sql.Append(" AND ").Append(FitTierSql).Append(" = @fitTier");
        }

        if (filter.PipelineId is { } pipeline)
        {
            Add("@pipeline", GetFunnel.Key(pipeline, sqlite));
            sql.Append(" AND d.\"PipelineId\" = @pipeline");
        }

        return sql.ToString();
    }

    /// <summary>A group key as read: text as it is, a key (16 bytes on SQLite, a uuid on PostgreSQL) as its GUID's text.</summary>
    public static string? KeyOf(object value) => value switch
    {
        DBNull => null,
        byte[] bytes => SqliteGuids.FromBytes(bytes).ToString(),
        Guid id => id.ToString(),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
