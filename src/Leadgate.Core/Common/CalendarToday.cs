namespace Leadgate.Common;

/// <summary>
/// Which calendar dates are "today" somewhere at a moment. People pick dates in their own time zone, which runs up to
/// 14 hours ahead of UTC and 12 behind it, so a check against the server's UTC date refuses a Dutch rep's today as "in
/// the future" in the first hour after their midnight, and a Californian rep's today as "in the past" in their evening.
/// A date is in the past only before <see cref="Earliest"/>, and in the future only after <see cref="Latest"/>.
/// </summary>
public static class CalendarToday
{
    /// <summary>Today where the day is oldest (UTC−12).</summary>
    public static DateOnly Earliest(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime.AddHours(-12));

    /// <summary>Today where the day is newest (UTC+14).</summary>
    public static DateOnly Latest(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime.AddHours(14));
}
