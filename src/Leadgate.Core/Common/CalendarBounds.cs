namespace Leadgate.Common;

/// <summary>
/// The dates a query may name: years 1900 to 9998. A period's months, the day after its end and a cohort's 90-day window
/// all stay within what <see cref="DateOnly"/> and <see cref="DateTimeOffset"/> can hold, so an absurd date is a 400 that
/// names its parameter, not an overflow.
/// </summary>
public static class CalendarBounds
{
    public static readonly DateOnly First = new(1900, 1, 1);

    public static readonly DateOnly Last = new(9998, 12, 31);

    public const string Message = "A date from 1900-01-01 to 9998-12-31.";

    public static bool Holds(DateOnly date) => date >= First && date <= Last;
}
