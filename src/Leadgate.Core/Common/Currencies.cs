using System.Collections.Frozen;
using System.Globalization;

namespace Leadgate.Common;

/// <summary>ISO 4217 codes known to the runtime's culture data.</summary>
public static class Currencies
{
    private static readonly FrozenSet<string> Known = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c =>
        {
            try
            {
                return new RegionInfo(c.Name).ISOCurrencySymbol;
            }
            catch (ArgumentException)
            {
                return null;
            }
        })
        .OfType<string>()
        .Where(code => code.Length == 3)
        .Append("EUR").Append("USD").Append("GBP")
        .ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKnown(string? code) => code is { Length: 3 } && Known.Contains(code);

    public static Result<string> Parse(string? code, string field = "currency")
    {
        var normalised = code?.Trim().ToUpperInvariant();
        return IsKnown(normalised) ? normalised! : Invalid.Field(field, "Use a three-letter ISO 4217 currency code such as EUR.");
    }
}
