using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>Marketing tunes the scoring: sees the preview, saves, watches the rescoring finish, and reads why a lead scores what it does.</summary>
public sealed class ScoringTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task AMarketerAddsAnIcpCriterion_ChangesAnEventsPoints_LowersAThreshold_SeesThePreviewCountChange_Saves_WatchesTheRescoreFinish_AndALeadExplainsItsScores()
    {
        // Fit 100 (a director at a 250-person company), engagement 20 from two downloads: below the default threshold of 40.
        var id = await server.CreateEngagedLeadAsync("Grace", "Hopper", "Director of Engineering", "Compilers Inc", 250, downloads: 2, industry: "Computer Software");
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Marketing).Email);

        await page.GotoAsync("/settings/scoring");
        await page.WaitUntilInteractiveAsync();
        var count = page.GetByTestId("preview-would-become");
        await Expect(count).ToBeVisibleAsync();
        var before = int.Parse((await count.GetAttributeAsync("data-count"))!, System.Globalization.CultureInfo.InvariantCulture);

        // The ideal customer profile gains a criterion: the industry in a list (leads with no industry are left out of it).
        var criteria = page.GetByTestId("criterion");
        var criteriaBefore = await criteria.CountAsync();
        await page.GetByTestId("add-criterion").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Industry in a list" }).ClickAsync();
        await Expect(criteria).ToHaveCountAsync(criteriaBefore + 1);
        var industry = criteria.Nth(criteriaBefore);
        await Expect(industry).ToContainTextAsync("Industry in a list");
        await industry.Locator("[data-testid=criterion-name] input, input[data-testid=criterion-name]").FillAsync("Target industry");
        await industry.Locator("[data-testid=criterion-weight] input, input[data-testid=criterion-weight]").FillAsync("25");
        await industry.Locator("[data-testid=criterion-values] input, input[data-testid=criterion-values]").FillAsync("Computer Software, Aerospace");
        // A content download is worth 12 points instead of 10.
        await page.Locator("[data-testid=event-rule][data-type=ContentDownload]").Locator("[data-testid=event-points] input, input[data-testid=event-points]").FillAsync("12");

        var fitThreshold = page.Locator("[data-testid=fit-threshold] input, input[data-testid=fit-threshold]");
        await fitThreshold.FillAsync("150");
        await Expect(page.GetByTestId("mql-rule")).ToContainTextAsync("Between 0 and 100.");
        await Expect(page.GetByTestId("save-scoring")).ToBeDisabledAsync();
        await page.ScreenshotAsync("scoring-settings-invalid");
        await fitThreshold.FillAsync("60");
        await Expect(page.GetByTestId("save-scoring")).ToBeEnabledAsync();

        var threshold = page.Locator("[data-testid=engagement-threshold] input, input[data-testid=engagement-threshold]");
        await threshold.FillAsync("15");
        await Expect(count).Not.ToHaveAttributeAsync("data-count", before.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var after = int.Parse((await count.GetAttributeAsync("data-count"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(after > before, $"lowering the engagement threshold makes more leads MQL ({before} → {after})");
        await page.ScreenshotAsync("scoring-settings-preview");

        await page.GetByTestId("save-scoring").ClickAsync();
        var progress = page.GetByTestId("rescore-progress");
        await Expect(progress).ToHaveAttributeAsync("data-status", "Done", new() { Timeout = 30_000 });
        Assert.Equal(await progress.GetAttributeAsync("data-total"), await progress.GetAttributeAsync("data-done"));
        await Expect(page.GetByTestId("rescore-text")).ToContainTextAsync("rescored");
        await Expect(count).ToHaveAttributeAsync("data-count", before.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.ScreenshotAsync("scoring-settings-rescored");

        await page.OpenLeadAsync(id);
        await Expect(page.GetByTestId("lead-stage")).ToHaveAttributeAsync("data-stage", "Mql");
        var scores = page.GetByTestId("lead-scores");
        await Expect(scores.GetByTestId("fit-value")).ToHaveTextAsync("100");
        await Expect(scores.GetByTestId("engagement-value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^(23|24)(\.\d+)?$"));
        await Expect(scores.GetByTestId("fit-line")).ToHaveCountAsync(3);
        var industryLine = scores.GetByTestId("fit-line").Filter(new() { HasText = "Target industry" });
        await Expect(industryLine).ToHaveAttributeAsync("data-outcome", "Match");
        await Expect(industryLine).ToContainTextAsync("Computer Software");
        await Expect(scores.GetByTestId("fit-line").Filter(new() { HasText = "Company size" })).ToContainTextAsync("in range 50–5000");
        await Expect(scores.GetByTestId("fit-line").Filter(new() { HasText = "Seniority" })).ToContainTextAsync("Senior (\"director\")");
        var downloads = scores.Locator("[data-testid=engagement-line][data-type=ContentDownload]");
        await Expect(downloads).ToContainTextAsync("Content download");
        await Expect(downloads.Locator("td").Nth(1)).ToHaveTextAsync("2");
        await Expect(downloads.Locator("td").Nth(2)).ToHaveTextAsync("24"); // two downloads at the new 12 points, before decay
        await Expect(scores.GetByTestId("score-verdict")).ToContainTextAsync("Meets the MQL rule");
        await page.ScreenshotAsync("lead-scores");
    }
}
