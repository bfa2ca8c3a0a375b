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

    internal async Task<FunnelReport> CountAsync(ReportFilter filter, Guid organisationId, CancellationToken cancellationToken)
    {
        var rows = await ReadAsync(filter, organisationId, cancellationToken);
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

    private async Task<List<ReportRow>> ReadAsync(ReportFilter filter, Guid organisationId, CancellationToken cancellationToken)
    {
        var sqlite = db.Provider == DatabaseProvider.Sqlite;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var parameters = new ReportSql(command, sqlite);
            parameters.Add("@org", Key(organisationId, sqlite));
            parameters.Add("@from", Time(filter.Start, sqlite));
            parameters.Add("@to", Time(filter.End, sqlite));
#pragma warning disable CA2100 // The SQL is built from fixed text; every value is a parameter.
            command.CommandText = Sql(filter, parameters);
#pragma warning restore CA2100
            var rows = new List<ReportRow>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var counts = new long[Columns * FunnelStages.Count];
                for (var i = 0; i < counts.Length; i++)
                {
                    counts[i] = reader.IsDBNull(i + 1) ? 0 : Convert.ToInt64(reader.GetValue(i + 1), System.Globalization.CultureInfo.InvariantCulture);
                }

                rows.Add(new ReportRow(ReportSql.KeyOf(reader.GetValue(0)), counts));
            }

            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Per lead (<c>per_lead</c>): the first entry into each stage (e0…e4), the first reach of each (r0…r4: the earliest entry
    /// into it or a later funnel stage), its entries into each (n0…n4) and its exits from each to Nurture or Disqualified
    /// (x0…x4) — entries and exits inside the period in the period view, all of them in the cohort view. The period view
    /// only reads leads with an event in the period (the others count nowhere); the cohort view only leads whose funnel
    /// start (r0) lies in it. Then summed per group, every lead filter applied to the lead.
    /// </summary>
    private static string Sql(ReportFilter filter, ReportSql parameters)
    {
        var cohort = filter.View == ReportView.Cohort;
        var imported = filter.IncludeImported ? "" : " AND e.\"ActorKind\" <> 'Import'";
        var inPeriod = cohort ? "1 = 1" : "e.\"At\" >= @from AND e.\"At\" < @to";
        var sql = new StringBuilder();
        sql.Append("WITH per_lead AS (SELECT e.\"LeadId\" AS lead_id");
        for (var s = 0; s < FunnelStages.Count; s++)
        {
            var stage = FunnelStages[s];
            var later = string.Join(", ", FunnelStages.Skip(s).Select(t => $"'{t}'"));
            sql.Append(CultureInfo.InvariantCulture, $", MIN(CASE WHEN e.\"To\" = '{stage}' THEN e.\"At\" END) AS e{s}");
            sql.Append(CultureInfo.InvariantCulture, $", MIN(CASE WHEN e.\"To\" IN ({later}) THEN e.\"At\" END) AS r{s}");
            sql.Append(CultureInfo.InvariantCulture, $", SUM(CASE WHEN e.\"To\" = '{stage}' AND {inPeriod} THEN 1 ELSE 0 END) AS n{s}");
            sql.Append(CultureInfo.InvariantCulture, $", SUM(CASE WHEN e.\"From\" = '{stage}' AND e.\"To\" IN ('{Stage.Nurture}', '{Stage.Disqualified}') AND {inPeriod} THEN 1 ELSE 0 END) AS x{s}");
        }

        sql.Append(" FROM \"StageEvents\" e WHERE e.\"OrganisationId\" = @org").Append(imported);
        sql.Append(" AND e.\"LeadId\" IN (SELECT f.\"LeadId\" FROM \"StageEvents\" f WHERE f.\"OrganisationId\" = @org AND f.\"At\" >= @from AND f.\"At\" < @to")
            .Append(imported.Replace("e.", "f.", StringComparison.Ordinal)).Append(')');
        sql.Append(" GROUP BY e.\"LeadId\")");
        sql.Append(" SELECT ").Append(ReportSql.GroupKey(filter.By)).Append(" AS group_key");
        for (var s = 0; s < FunnelStages.Count; s++)
        {
            var entered = cohort ? $"p.e{s} IS NOT NULL" : $"p.e{s} >= @from AND p.e{s} < @to";
            var reached = cohort ? $"p.r{s} IS NOT NULL" : $"p.r{s} >= @from AND p.r{s} < @to";
            sql.Append(CultureInfo.InvariantCulture, $", SUM(CASE WHEN {entered} THEN 1 ELSE 0 END)");
            sql.Append(CultureInfo.InvariantCulture, $", SUM(CASE WHEN {reached} THEN 1 ELSE 0 END)");
            sql.Append(CultureInfo.InvariantCulture, $", SUM(CASE WHEN {reached} AND (p.e{s} IS NULL OR p.e{s} > p.r{s}) THEN 1 ELSE 0 END)");
            sql.Append(CultureInfo.InvariantCulture, $", SUM(p.n{s}), SUM(p.x{s})");
        }

        sql.Append(" FROM per_lead p JOIN \"Leads\" l ON l.\"Id\" = p.lead_id LEFT JOIN \"Deals\" d ON d.\"Id\" = l.\"DealId\"");
        sql.Append(" WHERE l.\"OrganisationId\" = @org");
        if (cohort)
        {
            sql.Append(" AND p.r0 >= @from AND p.r0 < @to");
        }

        sql.Append(parameters.LeadFilters(filter));
        if (filter.By is not null)
        {
            sql.Append(" GROUP BY ").Append(ReportSql.GroupKey(filter.By));
        }

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
