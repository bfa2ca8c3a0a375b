using Leadgate.Common;

namespace Leadgate.Handover;

/// <summary>
/// The response clock of an organisation: how many working hours sales has for the first touch of a new MQL, when the
/// reminder comes, the working week it counts in, and whether a breach goes up to a manager.
/// </summary>
public sealed record SlaSettings
{
    // Declared before Default, which reads it while the type is initialised.
    private static readonly DayOfWeek[] MondayToFriday = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public static readonly SlaSettings Default = new();

    /// <summary>Working hours from handover to the first outbound touch (default 4).</summary>
    public decimal ResponseHours { get; init; } = 4m;

    /// <summary>Minutes before the due time that the owner is reminded (0 = no reminder).</summary>
    public int ReminderMinutesBefore { get; init; } = 60;

    public IReadOnlyList<DayOfWeek> WorkingDays { get; init; } = MondayToFriday;

    /// <summary>Start of the working day, "HH:mm", in <see cref="TimeZone"/>.</summary>
    public string DayStartsAt { get; init; } = "09:00";

    public string DayEndsAt { get; init; } = "17:00";

    /// <summary>An IANA time zone (Europe/Amsterdam); the organisation's time zone.</summary>
    public string? TimeZone { get; init; }

    /// <summary>A breach notifies the team's manager, or every manager of the organisation when the team has none.</summary>
    public bool EscalateToManager { get; init; } = true;

    public Invalid? Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (ResponseHours is < 0.25m or > 200m)
        {
            errors["responseHours"] = ["Between 0.25 and 200 working hours."];
        }

        if (ReminderMinutesBefore is < 0 or > 12_000)
        {
            errors["reminderMinutesBefore"] = ["Between 0 (no reminder) and 12,000 minutes."];
        }

        if (WorkingDays is null || WorkingDays.Count == 0 || WorkingDays.Any(d => !Enum.IsDefined(d)) || WorkingDays.Distinct().Count() != WorkingDays.Count)
        {
            errors["workingDays"] = ["One or more different days, Monday to Sunday."];
        }

        var start = ParseTime(DayStartsAt);
        var end = ParseTime(DayEndsAt);
        if (start is null)
        {
            errors["dayStartsAt"] = ["A time as HH:mm, such as 09:00."];
        }

        if (end is null)
        {
            errors["dayEndsAt"] = ["A time as HH:mm, such as 17:00."];
        }
        else if (start is not null && end <= start)
        {
            errors["dayEndsAt"] = ["The working day must end after it starts."];
        }

        if (TimeZone is not null && FindZone(TimeZone) is null)
        {
            errors["timeZone"] = ["An IANA time zone such as Europe/Amsterdam."];
        }

        return errors.Count > 0 ? new Invalid(errors) : null;
    }

    /// <summary>The working week these settings describe; <paramref name="organisationZone"/> when no zone of their own is set.</summary>
    public WorkingWeek Week(string organisationZone) => new(
        WorkingDays.ToHashSet(),
        ParseTime(DayStartsAt) ?? new TimeOnly(9, 0),
        ParseTime(DayEndsAt) ?? new TimeOnly(17, 0),
        FindZone(TimeZone ?? organisationZone) ?? TimeZoneInfo.Utc);

    public TimeSpan ResponseTime => TimeSpan.FromMinutes((double)(ResponseHours * 60m));

    public static TimeZoneInfo? FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }

    private static TimeOnly? ParseTime(string? text) =>
        TimeOnly.TryParseExact(text?.Trim(), "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time) ? time : null;
}
