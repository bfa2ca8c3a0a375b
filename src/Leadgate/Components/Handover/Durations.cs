using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Leadgate.Web.Components.Handover;

/// <summary>A span of time as a person reads it on a clock: "2 h 10 min", "3 d 4 h", "12 min".</summary>
public static class Durations
{
    public static string Text(IStringLocalizer l, TimeSpan span)
    {
        var minutes = Math.Max(0, (int)Math.Round(span.TotalMinutes));
        var culture = CultureInfo.CurrentCulture;
        return minutes switch
        {
            < 60 => l["Duration.Minutes", minutes.ToString(culture)],
            < 24 * 60 => l["Duration.HoursMinutes", (minutes / 60).ToString(culture), (minutes % 60).ToString(culture)],
            _ => l["Duration.DaysHours", (minutes / (24 * 60)).ToString(culture), (minutes / 60 % 24).ToString(culture)],
        };
    }
}
