using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>The likelihood model page (admin) and the likelihood with its reasons on the lead page, in English and Dutch.</summary>
public sealed class PredictionTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task AnAdmin_TrainsAModelWithProgress_SeesItsQuality_AndTheLeadPageShowsTheLikelihoodWithReasons_InEnglishAndDutch()
    {
        for (var i = 0; i < 210; i++)
        {
            var converted = i % 3 == 0;
            var source = converted ? (i % 10 < 7 ? "Partner referral" : "Website") : (i % 10 < 8 ? "Cold list" : "Website");
            var title = converted ? (i % 10 < 6 ? "Director of Finance" : "Student") : (i % 10 < 7 ? "Student" : "Director of Finance");
            await server.CreateHistoryLeadAsync(source, title, converted);
        }

        var promising = await server.CreateHistoryLeadAsync("Partner referral", "Director of Finance", converted: null);
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Admin).Email);

        await page.GetByTestId("nav-models").ClickAsync();
        await page.WaitUntilInteractiveAsync();
        var versionsBefore = await page.GetByTestId("models-version").CountAsync();
        await page.GetByTestId("models-train").ClickAsync();
        await Expect(page.GetByTestId("models-progress")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("models-version")).ToHaveCountAsync(versionsBefore + 1, new() { Timeout = 120_000 });
        await Expect(page.GetByTestId("models-progress")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("models-active-version")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("models-auc")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^[01]\.\d{3}$"));
        // Shares and measures between 0 and 1 on axes that show them (MudBlazor's own counted in steps of 20 and drew them flat).
        await Expect(page.GetByTestId("models-calibration").Locator(".mud-charts-yaxis text")).ToHaveTextAsync(["0%", "20%", "40%", "60%", "80%", "100%"]);
        await Expect(page.GetByTestId("models-quality").Locator(".mud-charts-yaxis text")).ToHaveTextAsync(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        await Expect(page.GetByTestId("models-quality").Locator("circle")).Not.ToHaveCountAsync(0);
        await Expect(page.GetByTestId("models-factor").First).ToBeVisibleAsync();
        await page.ScreenshotAsync("models");

        await page.OpenLeadAsync(promising);
        var panel = page.GetByTestId("lead-likelihood");
        await Expect(panel.GetByTestId("likelihood-probability")).ToContainTextAsync("%");
        await Expect(panel.GetByTestId("likelihood-band")).ToHaveAttributeAsync("data-band", "High");
        await Expect(panel.Locator("[data-testid=likelihood-reason][data-factor=Source]")).ToContainTextAsync("Partner referral");
        await Expect(panel).ToContainTextAsync("Likelihood to convert");
        await page.ScreenshotAsync("lead-likelihood");

        await page.GetByTestId("language-NL").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await page.WaitUntilInteractiveAsync();
        panel = page.GetByTestId("lead-likelihood");
        await Expect(panel).ToContainTextAsync("Kans op conversie");
        await Expect(panel.Locator("[data-testid=likelihood-reason][data-factor=Source]")).ToContainTextAsync("Bron");
        await Expect(panel.GetByTestId("likelihood-band")).ToContainTextAsync("Hoog");
        await page.GetByTestId("language-EN").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        // The leads list: most likely first, only those of 50% or more, each with its likelihood.
        await page.GotoAsync("/leads?sort=likelihood&minLikelihood=50");
        await page.WaitUntilInteractiveAsync();
        var grid = page.GetByTestId("leads-grid");
        await Expect(page.GetByTestId("sort")).ToContainTextAsync("Most likely to convert first");
        await Expect(grid.GetByTestId("lead-likelihood").First).ToContainTextAsync("%");
        var shown = await grid.GetByTestId("lead-likelihood").AllInnerTextsAsync();
        var percents = shown.Select(t => int.Parse(t.TrimEnd('%', ' ', '\u00a0'), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.All(percents, p => Assert.InRange(p, 50, 100));
        Assert.Equal(percents.OrderDescending(), percents);
        await page.ScreenshotAsync("leads-by-likelihood");
    }
}
