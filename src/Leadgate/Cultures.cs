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

    /// <summary>
    /// A .NET format string that writes a whole amount in <paramref name="currency"/> as <see cref="Money"/> does with whole
    /// units ("€1,234,567"; Dutch "€ 1.234.567"), for a component that takes a format string, not a function (a chart's
    /// tooltip). The culture's own pattern is read from an amount written with it: the symbol and its spacing around the
    /// number, each character escaped.
    /// </summary>
    public static string MoneyFormat(string currency, CultureInfo? culture = null)
    {
        culture ??= CultureInfo.CurrentCulture;
        const decimal sample = 1_234_567m;
        var written = Money(sample, currency, culture, wholeUnits: true);
        var number = sample.ToString("N0", culture);
        var at = written.IndexOf(number, StringComparison.Ordinal);
        return at < 0 ? "N0" : Escaped(written[..at]) + "#,##0" + Escaped(written[(at + number.Length)..]);

        static string Escaped(string literal) => string.Concat(literal.Select(c => $"\\{c}"));
    }
}
