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
        await page.WaitForURLAsync("**/reports");
        await page.WaitUntilInteractiveAsync();
        await ExpectTheApisFiguresAsync(page, "source", source: null);

        await page.GetByTestId("report-by-campaign").ClickAsync();
        await Expect(page.GetByTestId("report-by-campaign")).ToHaveAttributeAsync("aria-pressed", "true");
        await ExpectTheApisFiguresAsync(page, "campaign", source: null);

        await page.Locator("[data-testid=report-source] input, input[data-testid=report-source]").FillAsync("Webinar");
        await page.GetByTestId("report-apply").ClickAsync();
        await ExpectTheApisFiguresAsync(page, "campaign", source: "Webinar");
        await page.ScreenshotAsync("report-sources-by-campaign");
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
