using System.Globalization;
using Leadgate.Web;
using Leadgate.Web.Components.Shared;
using MudBlazor;

namespace Leadgate.Tests.Web;

/// <summary>A chart's vertical axis: a few round steps up to the highest value, labelled in the reader's culture.</summary>
public sealed class ChartAxesTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(5, 1)]
    [InlineData(6, 2)]
    [InlineData(84, 20)]
    [InlineData(100, 20)]
    [InlineData(101, 25)]
    [InlineData(227, 50)]
    [InlineData(737_280, 200_000)]
    [InlineData(1_487_061, 500_000)]
    [InlineData(double.PositiveInfinity, int.MaxValue)]
    public void Step_IsTheSmallestRoundStep_ThatCoversTheHighestValueInAtMostFiveIntervals(double max, int step) =>
        Assert.Equal(step, ChartAxes.Step(max));

    [Fact]
    public void EveryRoundStep_CoversItsValue_InAtMostFiveIntervals_AndIsOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen()
    {
        for (var max = 1.0; max < 1e10; max *= 1.37)
        {
            var step = ChartAxes.Step(max);
            Assert.InRange(Math.Ceiling(max / step), 1, ChartAxes.MaxSteps);
            var mantissa = step / Math.Pow(10, Math.Floor(Math.Log10(step)));
            Assert.Contains(Math.Round(mantissa, 6), new[] { 1, 2, 2.5, 5 });
        }
    }

    [Fact]
    public void MoneyLabels_AreWholeAmountsInTheCurrency_AsTheCultureWritesThem_AndTheAxisEndsOnAStep()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("en-GB");
            List<ChartSeries<double>> commit = [Series(2_500, 700_000), Series(80_000, 37_280)];
            var english = ChartAxes.MoneyStacks(commit, "EUR");
            var englishTooltip = 737_280d.ToString(commit[0].TooltipYValueFormat, CultureInfo.CurrentCulture);
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("nl-NL");
            List<ChartSeries<double>> revenue = [Series(1_487_061.30)];
            var dutch = ChartAxes.MoneyLines(revenue, "EUR");
            List<ChartSeries<double>> leads = [Series(227, 12), Series(183)];
            var counts = ChartAxes.CountBars(leads);

            Assert.Equal("€200,000", english.YAxisToStringFunc!(200_000));
            Assert.Equal((200_000, 800_000d), (english.YAxisTicks, english.YAxisSuggestedMax!.Value)); // the stack, not a part
            Assert.Equal("€737,280", englishTooltip);
            Assert.Equal("€ 1.500.000", dutch.YAxisToStringFunc!(1_500_000));
            Assert.Equal((500_000, 1_500_000d), (dutch.YAxisTicks, dutch.YAxisSuggestedMax!.Value));
            Assert.Equal("€ 1.487.061", 1_487_061.30.ToString(revenue[0].TooltipYValueFormat, CultureInfo.CurrentCulture));
            Assert.Equal("1.250", counts.YAxisToStringFunc!(1_250));
            Assert.Equal((50, 250d), (counts.YAxisTicks, counts.YAxisSuggestedMax!.Value));
            Assert.All(leads, series => Assert.Equal("1.250", 1_250d.ToString(series.TooltipYValueFormat, CultureInfo.CurrentCulture)));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void SharesAndMeasures_ArePlottedAsHundredths_OnAFixedAxis_LabelledAsPercentagesOrAsTheMeasure()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("nl-NL");
            List<ChartSeries<double>> rates = [new() { Name = "Observed", Data = new ChartData<double>([ChartAxes.Hundredths(0.3521)]) }];
            var percent = ChartAxes.PercentLines(rates);
            var fraction = ChartAxes.FractionLines([new() { Name = "AUC", Data = new ChartData<double>([ChartAxes.Hundredths(0.879)]) }]);

            Assert.Equal(35.2, rates[0].Data.Values[0]);
            Assert.Equal((20, 100d), (percent.YAxisTicks, percent.YAxisSuggestedMax!.Value));
            Assert.Equal("40%", percent.YAxisToStringFunc!(40));
            Assert.Equal("35,2%", 35.2.ToString(rates[0].TooltipYValueFormat, CultureInfo.CurrentCulture));
            Assert.Equal("0,4", fraction.YAxisToStringFunc!(40));
            Assert.True(fraction.ShowDataMarkers);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void StackHeights_AreEachLabelsSum_OverTheSeries()
    {
        List<ChartSeries<double>> series =
        [
            new() { Name = "Commit", Data = new ChartData<double>([1, 2, 3]) },
            new() { Name = "Best case", Data = new ChartData<double>([10, 20, 30]) },
        ];

        Assert.Equal([11d, 22d, 33d], ChartAxes.StackHeights(series));
    }

    [Theory]
    [InlineData("en-GB", "EUR")]
    [InlineData("nl-NL", "EUR")]
    [InlineData("en-GB", "GBP")]
    [InlineData("nl-NL", "USD")]
    [InlineData("nl-NL", "CHF")]
    [InlineData("en-GB", "SEK")]
    public void TheMoneyFormatString_WritesAWholeAmount_AsMoneyDoes(string name, string currency)
    {
        var culture = CultureInfo.GetCultureInfo(name);
        var format = Cultures.MoneyFormat(currency, culture);
        foreach (var amount in (decimal[])[0m, 7m, 999.4m, 12_345m, 737_280m, 1_487_061.3m, 98_765_432_100m])
        {
            Assert.Equal(Cultures.Money(amount, currency, culture, wholeUnits: true), ((double)amount).ToString(format, culture));
        }
    }

    private static ChartSeries<double> Series(params double[] values) => new() { Name = "s", Data = new ChartData<double>(values) };
}
