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

    /// <summary>Money in a deal's own currency, written the way the current culture writes amounts.</summary>
    public static string Money(decimal amount, string currency, CultureInfo? culture = null)
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
        return amount.ToString("C", format);
    }
}
