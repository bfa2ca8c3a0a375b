using System.Globalization;
using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>
/// Issue 17, acceptances 1 and 6: a manager signs in and lands on the dashboard, whose funnel, conversions and forecast are
/// the reports' own figures (read here through the report use cases, as the API answers them), for another period too,
/// and in Dutch.
/// </summary>
public sealed class DashboardTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task AManagerLandsOnTheDashboard_WhoseFunnelAndForecastAreTheReports_ForAnotherPeriodToo_AndInDutch()
    {
        await server.CreateSqlAsync("Radia", "Perlman", "Spanning Trees", 7_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(30)));
        await server.CreateMqlAsync("Barbara", "Liskov", "Substitution Systems");

        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Manager).Email);

        await Expect(page).ToHaveURLAsync(new Regex("/dashboard$"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
        await AssertFunnelAsync(page, 90);
        await Expect(page.GetByTestId("funnel-handover")).ToContainTextAsync("Handover to sales");
        await Expect(page.Locator("[data-testid=funnel-conversion][data-from=Mql]")).ToHaveClassAsync(new Regex("lg-funnel-arrow-handover"));
        await Expect(page.GetByTestId("dashboard-trends").Locator("svg").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("scorecard-marketing")).ToContainTextAsync("MQLs delivered");
        await Expect(page.GetByTestId("scorecard-sales")).ToContainTextAsync("MQL → SQL");
        var forecast = (await server.GetForecastAsync()).Value;
        var month = forecast.Rollups[0];
        var row = page.Locator($"[data-testid=forecast-rollup][data-month='{month.Month}']");
        await Expect(row).ToHaveAttributeAsync("data-pipeline", month.Pipeline.WeightedValue.ToString(CultureInfo.InvariantCulture));
        await Expect(row).ToHaveAttributeAsync("data-commit", month.Commit.WeightedValue.ToString(CultureInfo.InvariantCulture));
        await AssertForecastAxisAsync(page, forecast, CultureInfo.GetCultureInfo("en-GB"), "€0");
        Assert.True(await page.GetByTestId("forecast-rollups").OverflowAsync() <= 1, "The forecast's table is wider than its card.");
        await page.ScreenshotAsync("dashboard");

        await page.GetByTestId("dashboard-period").ChooseAsync("Last 30 days");
        await AssertFunnelAsync(page, 30);

        await page.GetByTestId("language-NL").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await page.WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("dashboard-funnel")).ToContainTextAsync("De trechter");
        await Expect(page.GetByTestId("funnel-handover")).ToContainTextAsync("Overdracht aan sales");
        await Expect(page.GetByTestId("scorecard-marketing")).ToContainTextAsync("Geleverde MQL's");
        await AssertFunnelAsync(page, 90);
        await AssertForecastAxisAsync(page, forecast, CultureInfo.GetCultureInfo("nl-NL"), "€ 0");
        await page.ScreenshotAsync("dashboard-dutch");
    }

    /// <summary>
    /// The forecast chart's axis: round steps of euros, written as the culture writes amounts, up to the first step at or above
    /// the highest month's weighted value (its bar's height).
    /// </summary>
    private static async Task AssertForecastAxisAsync(IPage page, Reports.ForecastReport forecast, CultureInfo culture, string zero)
    {
        var chart = page.GetByTestId("dashboard-forecast");
        await Expect(chart.Locator(".mud-charts-yaxis text").First).ToHaveTextAsync(zero);
        var axis = await chart.ChartAxisAsync(culture, money: true);
        var highest = forecast.Weighted.GroupBy(w => w.Month).OrderBy(g => g.Key, StringComparer.Ordinal).Take(6).Max(g => g.Sum(w => w.WeightedValue));
        Assert.InRange(axis[^1], highest, highest + axis[1]);

        // The tallest part of a bar, pointed at, says its amount as the axis writes amounts: one month's weighted value in one
        // category (MudBlazor wrote the raw number, "737280", without a format).
        var bars = chart.Locator("path.mud-chart-bar");
        var tallest = await bars.EvaluateAllAsync<int>(
            "ps => ps.map(p => p.getBBox().height).reduce((best, h, i, all) => h > all[best] ? i : best, 0)");
        await bars.Nth(tallest).HoverAsync(new() { Force = true });
        var tooltip = chart.Locator("g.mud-charts-tooltip");
        await Expect(tooltip).ToHaveTextAsync(new Regex(@"^€"));
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = "€";
        var shown = decimal.Parse(await tooltip.TextContentAsync() ?? "", NumberStyles.Currency, format);
        var parts = forecast.Weighted.GroupBy(w => (w.Month, w.Category)).Select(g => Math.Round(g.Sum(w => w.WeightedValue), 0, MidpointRounding.AwayFromZero));
        Assert.Contains(shown, parts);
        Assert.Equal(shown.ToString("N0", culture), Regex.Replace(await tooltip.TextContentAsync() ?? "", @"^€\s?", ""));
    }

    /// <summary>Every stage's first entries and every conversion's numerator and denominator, as the funnel report counts them for the period.</summary>
    private async Task AssertFunnelAsync(IPage page, int days)
    {
        var expected = (await server.GetFunnelAsync(days)).Value;
        Assert.Contains(expected.Stages, s => s.Entered > 0);
        foreach (var stage in expected.Stages)
        {
            var shown = page.Locator($"[data-testid=funnel-stage][data-stage={stage.Stage}]");
            await Expect(shown).ToHaveAttributeAsync("data-entered", stage.Entered.ToString(CultureInfo.InvariantCulture));
            await Expect(shown).ToHaveAttributeAsync("data-reached", stage.Reached.ToString(CultureInfo.InvariantCulture));
            if (stage.ConversionToNext is { } conversion)
            {
                var arrow = page.Locator($"[data-testid=funnel-conversion][data-from={stage.Stage}]");
                await Expect(arrow).ToHaveAttributeAsync("data-numerator", conversion.Numerator.ToString(CultureInfo.InvariantCulture));
                await Expect(arrow).ToHaveAttributeAsync("data-denominator", conversion.Denominator.ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
