using System.Globalization;

namespace Leadgate.Web;

/// <summary>The UI's languages: English and Dutch. Dates, numbers and money follow the chosen culture.</summary>
public static class Cultures
{
    public static readonly string[] Supported = ["en-GB", "nl-NL"];

    public static void Configure(RequestLocalizationOptions options)
    {
        options.SetDefaultCulture(Supported[0]).AddSupportedCultures(Supported).AddSupportedUICultures(Supported);
        options.ApplyCurrentCultureToResponseHeaders = true;
    }

    /// <summary>
    /// Money in a deal's own currency, written the way the current culture writes amounts; with <paramref name="wholeUnits"/>
    /// rounded to whole units, without cents (a chart's axis).
    /// </summary>
    public static string Money(decimal amount, string currency, CultureInfo? culture = null, bool wholeUnits = false)
    {
        culture ??= CultureInfo.CurrentCulture;
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = currency switch
        {
            "EUR" => "€",
            "USD" => "$",
            "GBP" => "£",
            _ => currency,
        };
        return amount.ToString(wholeUnits ? "C0" : "C", format);
    }
}
