using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>
/// Decision 0007 in the UI: a marketer filters the leads list by the stage an import brought from Salesforce, opens a lead,
/// and reads that stage and the source's creation date among its facts, in English and in Dutch.
/// </summary>
public sealed partial class SourceStageTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task AMarketerFiltersTheListBySourceStage_OpensALead_AndSeesItsSourceStageAndCreationDate()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        await server.ImportAsync($"salesforce-{run}.csv",
            "First Name,Last Name,Title,Company,Email,Lead Status,Created Date\r\n"
            + $"Jean,Sammet,CTO,Optimising Compilers,jean.{run}@optimising.example.com,Working - Contacted,3/4/2024\r\n"
            + $"Adele,Goldberg,Founder,Smalltalk Systems,adele.{run}@smalltalk.example.com,Open - Not Contacted,3/5/2024 2:30 PM\r\n");
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Marketing).Email);

        await page.GotoAsync("/leads");
        await page.WaitUntilInteractiveAsync();
        await page.GetByTestId("filter-source-stage").ChooseAsync("Working - Contacted");
        await Expect(page).ToHaveURLAsync(WithWorkingSourceStage());
        var grid = page.GetByTestId("leads-grid");
        // Until the filter has reached the grid, it shows every lead of the run (other tests' leads too).
        await Expect(grid.GetByTestId("lead-link")).ToHaveTextAsync(["Jean Sammet"]);
        await page.ScreenshotAsync("leads-by-source-stage");

        await grid.GetByTestId("lead-link").Filter(new() { HasText = "Jean Sammet" }).ClickAsync();
        await page.ExpectAtAsync("/leads/*");
        var facts = page.GetByTestId("lead-facts");
        await Expect(facts).ToContainTextAsync("Stage in source system");
        await Expect(facts.GetByTestId("lead-source-stage")).ToHaveTextAsync("Working - Contacted");
        await Expect(facts.GetByTestId("lead-source-created")).ToHaveTextAsync("4 Mar 2024");
        await Expect(page.GetByTestId("facts-stage")).ToHaveAttributeAsync("data-stage", "Iql");

        await page.GetByTestId("language-NL").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await page.WaitUntilInteractiveAsync();
        await Expect(facts).ToContainTextAsync("Fase in bronsysteem");
        await Expect(facts.GetByTestId("lead-source-created")).ToHaveTextAsync("4 mrt 2024");
        await page.ScreenshotAsync("lead-source-facts-dutch");

        await page.GotoAsync("/leads?sourceStage=open%20-%20not%20contacted");
        await page.WaitUntilInteractiveAsync();
        await Expect(grid.GetByTestId("lead-link")).ToHaveTextAsync(["Adele Goldberg"]);
        await grid.GetByTestId("lead-link").Filter(new() { HasText = "Adele Goldberg" }).ClickAsync();
        await Expect(page.GetByTestId("lead-facts").GetByTestId("lead-source-created")).ToHaveTextAsync("5 mrt 2024 15:30");
    }

    [GeneratedRegex("[?&]sourceStage=Working")]
    private static partial Regex WithWorkingSourceStage();
}
