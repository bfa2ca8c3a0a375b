using System.Globalization;
using System.Text.Json;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>Issue 17, acceptance 6: a report opened, its grouping and a filter changed, and every number shown equal to the API's.</summary>
public sealed class ReportsTests(LeadgateServer server, BrowserFixture browser)
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    [Fact]
    public async Task AManager_OpensTheSourcesReport_ChangesTheGroupingAndAFilter_AndEveryFigureIsTheApis()
    {
        await server.CreateMqlAsync("Hedy", "Lamarr", "Frequency Hopping"); // source Webinar, campaign Autumn launch
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Manager).Email);
        await Expect(page.GetByTestId("dashboard-funnel")).ToBeVisibleAsync(); // a manager lands on the dashboard
        await page.GetByTestId("nav-reports").ClickAsync();
        await page.ExpectAtAsync("/reports");
        await page.WaitUntilInteractiveAsync();
        await ExpectTheApisFiguresAsync(page, "source", source: null);

        await page.GetByTestId("report-by-campaign").ClickAsync();
        await Expect(page.GetByTestId("report-by-campaign")).ToHaveAttributeAsync("aria-pressed", "true");
        await ExpectTheApisFiguresAsync(page, "campaign", source: null);

        await page.Locator("[data-testid=report-source] input, input[data-testid=report-source]").FillAsync("Webinar");
        await page.GetByTestId("report-apply").ClickAsync();
        await ExpectTheApisFiguresAsync(page, "campaign", source: "Webinar");
        await page.ScreenshotAsync("report-sources-by-campaign");
        await ExpectTheApisForecastAsync(page);
    }

    /// <summary>Acceptance 3 on a page: the run rate, each of its inputs (ratios with numerator and denominator) and the back-test per month are the API's.</summary>
    private static async Task ExpectTheApisForecastAsync(IPage page)
    {
        var response = await page.APIRequest.GetAsync("/api/v1/reports/forecast");
        Assert.True(response.Ok, $"GET /api/v1/reports/forecast answered {response.Status}");
        using var json = JsonDocument.Parse(await response.TextAsync());
        var runRate = json.RootElement.GetProperty("runRate");
        var backtest = json.RootElement.GetProperty("backtest");
        await page.GetByTestId("forecast-section").ScrollIntoViewIfNeededAsync();
        string Invariant(JsonElement value) => value.GetDecimal().ToString(CultureInfo.InvariantCulture);

        var months = runRate.GetProperty("months").EnumerateArray().ToList();
        Assert.Equal(6, months.Count);
        var rows = page.GetByTestId("run-rate-month");
        await Expect(rows).ToHaveCountAsync(months.Count);
        for (var i = 0; i < months.Count; i++)
        {
            await Expect(rows.Nth(i)).ToHaveAttributeAsync("data-month", months[i].GetProperty("month").GetString()!);
            await Expect(rows.Nth(i)).ToHaveAttributeAsync("data-customers", Invariant(months[i].GetProperty("customers")));
            await Expect(rows.Nth(i)).ToHaveAttributeAsync("data-revenue", Invariant(months[i].GetProperty("revenue")));
            await Expect(rows.Nth(i).GetByTestId("run-rate-customers")).ToHaveTextAsync(months[i].GetProperty("customers").GetDecimal().ToString("N2", English));
        }

        // Every amount is in sight (the table's headings wrap instead of pushing the revenue out of the card), and the chart's
        // axis runs in round steps of euros to the first at or above the highest month's revenue.
        Assert.True(await page.GetByTestId("run-rate-table").OverflowAsync() <= 1, "The run-rate table is wider than its card.");
        var axis = await page.GetByTestId("forecast-run-rate").ChartAxisAsync(English, money: true);
        var highest = months.Max(m => m.GetProperty("revenue").GetDecimal());
        Assert.InRange(axis[^1], highest, highest + axis[1]);

        var inputs = runRate.GetProperty("inputs");
        await Expect(page.GetByTestId("input-inflow")).ToHaveAttributeAsync("data-mqls", inputs.GetProperty("mqls").GetInt64().ToString(CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("input-inflow")).ToContainTextAsync(inputs.GetProperty("mqls").GetInt64().ToString("N0", English));
        await Expect(page.GetByTestId("input-average-deal")).ToHaveAttributeAsync("data-won", inputs.GetProperty("wonDeals").GetInt64().ToString(CultureInfo.InvariantCulture));
        string Ratio(JsonElement ratio) => string.Create(English,
            $"{ratio.GetProperty("numerator").GetInt64():N0} of {ratio.GetProperty("denominator").GetInt64():N0} ({(ratio.GetProperty("rate").ValueKind == JsonValueKind.Null ? "—" : ratio.GetProperty("rate").GetDecimal().ToString("P1", English))})");
        await Expect(page.GetByTestId("input-lag-ratio")).ToHaveTextAsync([.. inputs.GetProperty("conversionByLag").EnumerateArray().Select(l => Ratio(l.GetProperty("conversion")))]);
        await Expect(page.GetByTestId("input-stage-ratio")).ToHaveTextAsync([.. inputs.GetProperty("winRateByStage").EnumerateArray().Select(s => Ratio(s.GetProperty("winRate")))]);

        var past = backtest.GetProperty("months").EnumerateArray().ToList();
        var shown = page.GetByTestId("backtest-month");
        await Expect(shown).ToHaveCountAsync(past.Count);
        for (var i = 0; i < past.Count; i++)
        {
            await Expect(shown.Nth(i)).ToHaveAttributeAsync("data-month", past[i].GetProperty("month").GetString()!);
            await Expect(shown.Nth(i)).ToHaveAttributeAsync("data-forecast", Invariant(past[i].GetProperty("forecast")));
            await Expect(shown.Nth(i)).ToHaveAttributeAsync("data-actual", Invariant(past[i].GetProperty("actual")));
        }

        string Percent(string name) => backtest.GetProperty(name).ValueKind == JsonValueKind.Null ? "—" : backtest.GetProperty(name).GetDecimal().ToString("P1", English);
        await Expect(page.GetByTestId("backtest-errors")).ToHaveTextAsync($"MAPE {Percent("mape")} (months with an actual), WAPE {Percent("wape")}, bias {Percent("bias")}.");
        await page.ScreenshotAsync("report-forecast-run-rate");
    }

    /// <summary>The table's groups, leads, MQLs, SQLs and totals are those GET /api/v1/reports/sources answers the same user.</summary>
    private static async Task ExpectTheApisFiguresAsync(IPage page, string by, string? source)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var url = string.Create(CultureInfo.InvariantCulture, $"/api/v1/reports/sources?from={today.AddDays(-89):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}&by={by}")
            + (source is null ? "" : "&source=" + Uri.EscapeDataString(source));
        var response = await page.APIRequest.GetAsync(url);
        Assert.True(response.Ok, $"GET {url} answered {response.Status}");
        using var json = JsonDocument.Parse(await response.TextAsync());
        var groups = json.RootElement.GetProperty("groups").EnumerateArray().ToList();
        Assert.NotEmpty(groups);
        long Figure(JsonElement figures, string name) => figures.GetProperty(name).GetInt64();
        string[] Column(string name) => [.. groups.Select(g => Figure(g.GetProperty("figures"), name).ToString("N0", English))];

        await Expect(page.GetByTestId("report-group")).ToHaveTextAsync([.. groups.Select(g => g.GetProperty("label").GetString()!)]);
        await Expect(page.GetByTestId("report-leads")).ToHaveTextAsync(Column("leads"));
        await Expect(page.GetByTestId("report-mqls")).ToHaveTextAsync(Column("mqls"));
        await Expect(page.GetByTestId("report-sqls")).ToHaveTextAsync(Column("sqls"));
        var total = json.RootElement.GetProperty("total");
        await Expect(page.GetByTestId("report-total-leads")).ToHaveTextAsync(Figure(total, "leads").ToString("N0", English));
        await Expect(page.GetByTestId("report-total-mqls")).ToHaveTextAsync(Figure(total, "mqls").ToString("N0", English));
    }
}
