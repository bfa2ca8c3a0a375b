using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>English and Dutch: the words change, and dates and money are written the way each language writes them.</summary>
public sealed partial class LanguageTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task SwitchingToDutchAndBack_ChangesLabels_AndFormatsDatesAndMoneyPerCulture()
    {
        var closeDate = new DateOnly(DateTime.Today.Year + 1, 11, 22);
        var leadId = await server.CreateSqlAsync("Edsger", "Dijkstra", "Shortest Path", 1234.56m, closeDate);
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        await page.OpenLeadAsync(leadId);

        await Expect(page.GetByTestId("lead-facts")).ToContainTextAsync("Details");
        await Expect(page.GetByTestId("lead-stage")).ToContainTextAsync("Sales qualified");
        await Expect(page.GetByTestId("deal-value")).ToHaveTextAsync("€1,234.56");
        await Expect(page.GetByTestId("deal-close-date")).ToHaveTextAsync($"22 Nov {closeDate.Year}");

        await page.GetByTestId("language-NL").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await page.WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("lead-facts")).ToContainTextAsync("Gegevens");
        await Expect(page.GetByTestId("lead-stage")).ToContainTextAsync("Salesgekwalificeerd");
        await Expect(page.GetByTestId("deal-value")).ToHaveTextAsync(DutchEuros());
        await Expect(page.GetByTestId("deal-close-date")).ToHaveTextAsync($"22 nov {closeDate.Year}");
        await Expect(page.GetByTestId("nav-leads")).ToContainTextAsync("Leads");
        await Expect(page.GetByTestId("sign-out-form")).ToBeAttachedAsync();
        await page.ScreenshotAsync("lead-sql-dutch");

        await page.GetByTestId("language-EN").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("lead-facts")).ToContainTextAsync("Details");
        await Expect(page.GetByTestId("deal-value")).ToHaveTextAsync("€1,234.56");
        Assert.EndsWith($"/leads/{leadId}", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSignInPage_SpeaksDutchAfterSwitching_AndListsTheDemoAccountsInDevelopment()
    {
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-GB" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await Expect(page.GetByTestId("login-submit")).ToHaveTextAsync("Sign in");
        await Expect(page.GetByTestId("demo-credentials")).ToContainTextAsync(LeadgateServer.User(Roles.Sales).Email);
        await page.ScreenshotAsync("login");

        await page.GetByTestId("language-NL").ClickAsync();
        await Expect(page.GetByTestId("login-submit")).ToHaveTextAsync("Inloggen");
        await page.ScreenshotAsync("login-dutch");
        await context.CloseAsync();
    }

    // nl-NL writes the symbol first, a (no-break) space, dots between thousands and a decimal comma.
    [GeneratedRegex(@"^€\s1\.234,56$")]
    private static partial Regex DutchEuros();
}
