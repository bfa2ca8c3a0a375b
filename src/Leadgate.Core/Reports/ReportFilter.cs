using System.Globalization;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;

namespace Leadgate.Reports;

/// <summary>Which leads a report counts: those first entering in the period, or a cohort that entered the funnel in it (docs/reports.md).</summary>
public enum ReportView
{
    Period,
    Cohort,
}

/// <summary>What a grouped report splits its figures by (docs/reports.md, "Filters and grouping").</summary>
public enum ReportGrouping
{
    Source,
    Campaign,
    Owner,
    Team,
    FitTier,
    Pipeline,
}

/// <summary>
/// The query every report takes, as the caller wrote it (the API's query string, the CLI's options): parsed and checked by
/// <see cref="ReportFilter.ParseAsync"/>, each failure naming its parameter.
/// </summary>
public sealed record ReportQuery
{
    public string? From { get; init; }

    public string? To { get; init; }

    public string? View { get; init; }

    public string? By { get; init; }

    public string? Source { get; init; }

    public string? Campaign { get; init; }

    public string? OwnerId { get; init; }

    public string? Team { get; init; }

    public string? FitTier { get; init; }

    public string? PipelineId { get; init; }

    public string? IncludeImported { get; init; }
}

/// <summary>A checked report query: the period [From, To) in UTC, the view, the grouping and the lead filters.</summary>
public sealed record ReportFilter
{
    /// <summary>The longest period a report takes (ten years): a bound on the work one request can ask for.</summary>
    public const int MaxDays = 3_660;

    public required DateOnly From { get; init; }

    public required DateOnly To { get; init; }

    public ReportView View { get; init; }

    public ReportGrouping? By { get; init; }

    public string? Source { get; init; }

    public string? Campaign { get; init; }

    public Guid? OwnerId { get; init; }

    /// <summary>The team's name as routing keeps it, and its members (the owners whose leads count).</summary>
    public string? Team { get; init; }

    public IReadOnlyList<Guid> TeamMembers { get; init; } = [];

    public FitTier? FitTier { get; init; }

    public Guid? PipelineId { get; init; }

    public bool IncludeImported { get; init; } = true;

    public DateTimeOffset Start => new(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public DateTimeOffset End => new(To.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>
    /// Parses and checks <paramref name="query"/>. Left out, the period is the twelve whole months up to the first of next
    /// month (UTC), or <paramref name="defaultMonthsAhead"/> from the first of this month when that is given (the forecast looks ahead).
    /// </summary>
    public static async Task<Result<ReportFilter>> ParseAsync(
        ReportQuery query, LeadgateDbContext db, Guid organisationId, DateTimeOffset now, CancellationToken cancellationToken, int? defaultMonthsAhead = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var thisMonth = new DateOnly(now.UtcDateTime.Year, now.UtcDateTime.Month, 1);
        var from = Date(query.From, "from", errors) ?? (defaultMonthsAhead is null ? thisMonth.AddMonths(-11) : thisMonth);
        var to = Date(query.To, "to", errors) ?? (defaultMonthsAhead is { } ahead ? thisMonth.AddMonths(ahead) : thisMonth.AddMonths(1));
        if (!errors.ContainsKey("from") && !errors.ContainsKey("to"))
        {
            if (to <= from)
            {
                errors["to"] = ["'to' must be later than 'from' (from is inclusive, to exclusive)."];
            }
            else if (to.DayNumber - from.DayNumber > MaxDays)
            {
                errors["to"] = [$"A period of at most {MaxDays} days."];
            }
        }

        var view = Member<ReportView>(query.View, "view", errors) ?? ReportView.Period;
        var by = Member<ReportGrouping>(query.By, "by", errors);
        var fitTier = Member<FitTier>(query.FitTier, "fitTier", errors);
        var ownerId = Key(query.OwnerId, "ownerId", errors);
        var pipelineId = Key(query.PipelineId, "pipelineId", errors);
        var includeImported = true;
        if (!string.IsNullOrWhiteSpace(query.IncludeImported) && !bool.TryParse(query.IncludeImported.Trim(), out includeImported))
        {
            errors["includeImported"] = ["true or false."];
        }

        string? team = null;
        IReadOnlyList<Guid> members = [];
        if (!string.IsNullOrWhiteSpace(query.Team))
        {
            var (routing, _) = await db.HandoverSettingsOfAsync(organisationId, cancellationToken);
            var found = routing.Teams.FirstOrDefault(t => string.Equals(t.Name, query.Team.Trim(), StringComparison.OrdinalIgnoreCase));
            if (found is null)
            {
                errors["team"] = ["Not a team of this organisation's routing."];
            }
            else
            {
                (team, members) = (found.Name, found.Members);
            }
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        return new ReportFilter
        {
            From = from,
            To = to,
            View = view,
            By = by,
            Source = Text(query.Source),
            Campaign = Text(query.Campaign),
            OwnerId = ownerId,
            Team = team,
            TeamMembers = members,
            FitTier = fitTier,
            PipelineId = pipelineId,
            IncludeImported = includeImported,
        };
    }

    /// <summary>
    /// Reports are for those who steer the funnel: managers, admins and marketing (whose MQLs they measure); and for the
    /// operator at the command line, who reads the database anyway.
    /// </summary>
    public static Error? Refused(Actor actor) =>
        actor.IsIn(Roles.Manager) || actor.IsIn(Roles.Admin) || actor.IsIn(Roles.Marketing) || actor.Channel == Channel.Cli
            ? null
            : new Forbidden("Reports are for managers, admins and marketing.");

    /// <summary>A month as the reports name it: YYYY-MM.</summary>
    public static string MonthOf(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static DateOnly? Date(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            if (CalendarBounds.Holds(date))
            {
                return date;
            }

            errors[name] = [CalendarBounds.Message];
            return null;
        }

        errors[name] = ["An ISO date, YYYY-MM-DD."];
        return null;
    }

    private static T? Member<T>(string? value, string name, Dictionary<string, string[]> errors)
        where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var names = Enum.GetNames<T>();
        var match = names.FirstOrDefault(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            errors[name] = [$"One of: {string.Join(", ", names.Select(Camel))}."];
            return null;
        }

        return Enum.Parse<T>(match);
    }

    private static Guid? Key(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (Guid.TryParse(value.Trim(), out var id))
        {
            return id;
        }

        errors[name] = ["A UUID."];
        return null;
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>How the API writes a member of these enums in a query: camelCase (fitTier, period).</summary>
    public static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
