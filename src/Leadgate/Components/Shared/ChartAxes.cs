using System.Globalization;
using MudBlazor;
using MudBlazor.Charts;

namespace Leadgate.Web.Components.Shared;

/// <summary>
/// The vertical axis of a chart as people read it: a few round steps (1, 2, 2.5 or 5 × 10ⁿ, at most <see cref="MaxSteps"/>
/// of them up to the highest value), labelled in the current culture — counts as whole numbers, money in its currency without
/// cents. MudBlazor's own axis counts in steps of 20 and writes the raw number ("737280"); a forecast of a million euros then
/// carried thirty-six labels nobody could read.
/// </summary>
public static class ChartAxes
{
    /// <summary>The most intervals an axis is split into.</summary>
    public const int MaxSteps = 5;

    /// <summary>Bars of counts (leads, deals) up to the highest of <paramref name="series"/>; their tooltips write counts as the culture does.</summary>
    public static BarChartOptions CountBars(IReadOnlyList<ChartSeries<double>> series) =>
        Apply(new BarChartOptions(), series, Values(series), Count(), "N0");

    /// <summary>Lines of counts up to the highest of <paramref name="series"/>.</summary>
    public static LineChartOptions CountLines(IReadOnlyList<ChartSeries<double>> series) =>
        Apply(new LineChartOptions(), series, Values(series), Count(), "N0");

    /// <summary>Stacked bars of counts up to the highest bar (the sum of its parts).</summary>
    public static StackedBarChartOptions CountStacks(IReadOnlyList<ChartSeries<double>> series) =>
        Apply(new StackedBarChartOptions(), series, StackHeights(series), Count(), "N0");

    /// <summary>Stacked bars of money in <paramref name="currency"/> up to the highest bar (the sum of its parts).</summary>
    public static StackedBarChartOptions MoneyStacks(IReadOnlyList<ChartSeries<double>> series, string currency) =>
        Apply(new StackedBarChartOptions(), series, StackHeights(series), Money(currency), Cultures.MoneyFormat(currency));

    /// <summary>Lines of money in <paramref name="currency"/> up to the highest of <paramref name="series"/>.</summary>
    public static LineChartOptions MoneyLines(IReadOnlyList<ChartSeries<double>> series, string currency) =>
        Apply(new LineChartOptions(), series, Values(series), Money(currency), Cultures.MoneyFormat(currency));

    /// <summary>
    /// Lines of shares between 0 and 1 (a probability, a rate), plotted as hundredths (the axis counts in whole steps) on a
    /// fixed 0 … 100 axis, labelled as percentages ("20%"); the series' tooltips say "35.2%".
    /// </summary>
    public static LineChartOptions PercentLines(IEnumerable<ChartSeries<double>> series) =>
        OnHundredthsAxis(series, (value, culture) => (value / 100).ToString("P0", culture), "0.0'%'");

    /// <summary>
    /// Lines of measures between 0 and 1 that are not percentages (AUC, Brier score), plotted as hundredths on a fixed 0 … 100
    /// axis labelled as the measure ("0.2" / "0,2"), each point marked (a model's first version is a single point); a point's
    /// tooltip names its series and label but not the value, which it could only write in hundredths.
    /// </summary>
    public static LineChartOptions FractionLines(IEnumerable<ChartSeries<double>> series)
    {
        var options = OnHundredthsAxis(series, (value, culture) => (value / 100).ToString("0.0", culture), null);
        options.ShowDataMarkers = true;
        options.TooltipSubtitleFormat = "{{X_VALUE}}";
        return options;
    }

    /// <summary>A share (0 … 1) as the hundredths <see cref="PercentLines"/> and <see cref="FractionLines"/> plot.</summary>
    public static double Hundredths(double share) => Math.Round(share * 100, 1);

    /// <summary>The heights of stacked bars: per label, the sum of every series' value there.</summary>
    public static IEnumerable<double> StackHeights(IReadOnlyList<ChartSeries<double>> series) =>
        Enumerable.Range(0, series.Select(s => s.Data.Values.Count).DefaultIfEmpty(0).Max())
            .Select(i => series.Sum(s => i < s.Data.Values.Count ? Math.Max(0, s.Data.Values[i]) : 0));

    private static IEnumerable<double> Values(IReadOnlyList<ChartSeries<double>> series) => series.SelectMany(s => s.Data.Values);

    /// <summary>
    /// A round step that splits 0 … <paramref name="max"/> into at most <see cref="MaxSteps"/> intervals: the smallest of
    /// 1, 2, 2.5 and 5 × 10ⁿ that does (whole numbers only, so never below 1).
    /// </summary>
    public static int Step(double max)
    {
        if (double.IsNaN(max) || max <= MaxSteps)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max / MaxSteps)));
        foreach (var factor in (double[])[1, 2, 2.5, 5, 10])
        {
            var step = factor * magnitude;
            if (step >= 1 && step == Math.Floor(step) && Math.Ceiling(max / step) <= MaxSteps)
            {
                return (int)Math.Min(step, int.MaxValue);
            }
        }

        // Only a maximum beyond double's range (infinity) gets here: no power of ten divides it.
        return (int)Math.Min(Math.Ceiling(max / MaxSteps), int.MaxValue);
    }

    private static LineChartOptions OnHundredthsAxis(IEnumerable<ChartSeries<double>> series, Func<double, CultureInfo, string> label, string? tooltip)
    {
        var culture = CultureInfo.CurrentCulture;
        foreach (var line in series)
        {
            line.TooltipYValueFormat = tooltip;
        }

        return new LineChartOptions
        {
            YAxisTicks = 20,
            MaxNumYAxisTicks = MaxSteps + 1,
            YAxisSuggestedMax = 100,
            YAxisToStringFunc = value => label(value, culture),
        };
    }

    private static Func<double, string> Count()
    {
        var culture = CultureInfo.CurrentCulture;
        return value => value.ToString("N0", culture);
    }

    private static Func<double, string> Money(string currency)
    {
        var culture = CultureInfo.CurrentCulture;
        return value => Cultures.Money((decimal)value, currency, culture, wholeUnits: true);
    }

    private static T Apply<T>(T options, IReadOnlyList<ChartSeries<double>> series, IEnumerable<double> values, Func<double, string> label, string tooltip)
        where T : DefaultAxisChartOptions
    {
        // MudBlazor writes a tooltip's value with the series' format string in the current culture ("737280" without one).
        foreach (var line in series)
        {
            line.TooltipYValueFormat = tooltip;
        }

        var max = values.DefaultIfEmpty(0).Max();
        var step = Step(max);
        options.YAxisTicks = step;
        options.MaxNumYAxisTicks = MaxSteps + 1;
        options.YAxisSuggestedMax = Math.Max(1, Math.Ceiling(max / step)) * step;
        options.YAxisToStringFunc = label;
        return options;
    }
}
