using System.Globalization;

namespace Leadgate.Web.Components.Shared;

/// <summary>
/// Dates, times and money as the user reads them: in the current culture (en-GB or nl-NL) and, for moments, in the
/// browser's time zone (remembered in a cookie by leadgate.js; the server's zone until the browser has told us).
/// Cascaded from <c>Routes</c>.
/// </summary>
public sealed class Formats(TimeZoneInfo zone)
{
    public const string TimeZoneCookie = "leadgate.tz";

    public static readonly Formats ServerZone = new(TimeZoneInfo.Local);

    public TimeZoneInfo Zone { get; } = zone;

    public static Formats For(string? timeZoneId)
    {
        if (string.IsNullOrWhiteSpace(timeZoneId))
        {
            return ServerZone;
        }

        try
        {
            return new Formats(TimeZoneInfo.FindSystemTimeZoneById(timeZoneId));
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return ServerZone;
        }
    }

    public static string Date(DateOnly date) => date.ToString("d MMM yyyy", CultureInfo.CurrentCulture);

    public string Date(DateTimeOffset moment) => Local(moment).ToString("d MMM yyyy", CultureInfo.CurrentCulture);

    public string DateTime(DateTimeOffset moment) => Local(moment).ToString("d MMM yyyy HH:mm", CultureInfo.CurrentCulture);

    public static string Money(decimal amount, string currency) => Cultures.Money(amount, currency);

    /// <summary>Today in the user's zone: the default for dates they pick.</summary>
    public DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(Local(clock.GetUtcNow()).DateTime);

    /// <summary>The moment a date and time picked in the user's zone stands for.</summary>
    public DateTimeOffset Moment(DateOnly date, TimeSpan time)
    {
        var local = date.ToDateTime(TimeOnly.FromTimeSpan(time), DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Zone.GetUtcOffset(local));
    }

    public DateTimeOffset Local(DateTimeOffset moment) => TimeZoneInfo.ConvertTime(moment, Zone);
}
