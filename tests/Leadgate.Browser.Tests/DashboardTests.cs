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
        await page.ScreenshotAsync("dashboard-dutch");
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
