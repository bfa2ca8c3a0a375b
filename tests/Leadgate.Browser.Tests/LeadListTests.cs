using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>The leads list: filters live in the address (so a filtered list can be shared), and a row opens its lead.</summary>
public sealed partial class LeadListTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task ANewLeadByHand_IsScoredAndOpens_AndAnAddressWithoutAnAt_IsRefusedNamingIt()
    {
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Marketing).Email);
        await page.GotoAsync("/leads");
        await page.WaitUntilInteractiveAsync();
        await page.GetByTestId("language-NL").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await page.WaitUntilInteractiveAsync();

        await page.GetByTestId("new-lead").ClickAsync();
        var dialog = page.GetByTestId("dialog-new-lead");
        await dialog.Locator("[data-testid=new-lead-email] input, input[data-testid=new-lead-email]").FillAsync("grace.hopper.example");
        await page.GetByTestId("dialog-submit").ClickAsync();
        await Expect(page.GetByTestId("error-detail")).ToContainTextAsync("E-mailadres");

        var email = $"grace.{Guid.NewGuid():N}@cobol-works.example";
        await dialog.Locator("[data-testid=new-lead-email] input, input[data-testid=new-lead-email]").FillAsync(email);
        await dialog.Locator("[data-testid=new-lead-first-name] input, input[data-testid=new-lead-first-name]").FillAsync("Grace");
        await dialog.Locator("[data-testid=new-lead-last-name] input, input[data-testid=new-lead-last-name]").FillAsync("Hopper");
        await dialog.Locator("[data-testid=new-lead-company] input, input[data-testid=new-lead-company]").FillAsync("Cobol Works");
        await dialog.Locator("[data-testid=new-lead-source] input, input[data-testid=new-lead-source]").FillAsync("Trade fair");
        await page.GetByTestId("dialog-submit").ClickAsync();

        await page.ExpectAtAsync("/leads/*");
        var id = Guid.Parse(NewLeadPage().Match(page.Url).Groups[1].Value);
        var lead = await server.GetLeadAsync(id);
        Assert.Equal((email, "Grace", "Cobol Works", "Trade fair", Leads.Stage.Iql), (lead.Email, lead.FirstName, lead.Company?.Name, lead.Source, lead.Stage));
        await Expect(page.GetByTestId("lead-name")).ToHaveTextAsync("Grace Hopper");
        await Expect(page.GetByTestId("lead-stage")).ToContainTextAsync("IQL");
        await Expect(page.GetByTestId("score-verdict")).ToContainTextAsync("Voldoet nog niet aan de MQL-regel");
    }

    [GeneratedRegex(@"/leads/([0-9a-f-]{36})$")]
    private static partial Regex NewLeadPage();

    [Fact]
    public async Task TheStageFilterInTheAddress_ShowsOnlyThatStage_AndTheSearchNarrowsItFurther()
    {
        await server.CreateMqlAsync("Ada", "Lovelace", "Analytical Engines");
        var sqlId = await server.CreateSqlAsync("Charles", "Babbage", "Difference Engines", 5_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(60)));
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Manager).Email);

        await page.GotoAsync("/leads?stage=Sql");
        await page.WaitUntilInteractiveAsync();
        var grid = page.GetByTestId("leads-grid");
        await Expect(grid.GetByTestId("lead-link").Filter(new() { HasText = "Charles Babbage" })).ToBeVisibleAsync();
        await Expect(grid.GetByTestId("lead-link").Filter(new() { HasText = "Ada Lovelace" })).ToHaveCountAsync(0);
        foreach (var chip in await grid.GetByTestId("stage").AllAsync())
        {
            await Expect(chip).ToHaveAttributeAsync("data-stage", "Sql");
        }

        await page.Locator("[data-testid=filter-text] input, input[data-testid=filter-text]").FillAsync("babbage");
        await Expect(page).ToHaveURLAsync(WithSearch());
        // The address changes before the server replaces the grid: until then the old grid's rows (which may be Charles
        // Babbage alone) are on the page, and a click on one of them is lost with it.
        await Expect(grid).ToHaveAttributeAsync("data-search", "babbage");
        await Expect(grid).ToHaveAttributeAsync("data-stages", "Sql");
        await Expect(grid.GetByTestId("lead-link")).ToHaveTextAsync(["Charles Babbage"]);
        await page.ScreenshotAsync("leads-filtered");

        await grid.Locator("tr", new() { HasText = "Difference Engines" }).Locator("td").Nth(2).ClickAsync();
        await page.ExpectAtAsync($"/leads/{sqlId}");
        await Expect(page.GetByTestId("lead-name")).ToHaveTextAsync("Charles Babbage");
    }

    [Fact]
    public async Task TheList_ShowsEveryLeadWithItsStage_NewestFirst()
    {
        // Two leads of its own, so the count reads in the plural whichever test ran before this one.
        await server.CreateMqlAsync("Dorothy", "Vaughan", "Fortran Computing");
        await server.CreateMqlAsync("Katherine", "Johnson", "Orbital Mechanics");
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        await page.GetByTestId("nav-leads").ClickAsync();

        await Expect(page.GetByTestId("leads-grid").GetByTestId("lead-link").First).ToHaveTextAsync("Katherine Johnson");
        await Expect(page.GetByTestId("lead-count")).ToContainTextAsync("leads");
        await page.ScreenshotAsync("leads");
    }

    [GeneratedRegex(@"[?&]stage=Sql.*[?&]?q=babbage|q=babbage.*stage=Sql")]
    private static partial Regex WithSearch();
}
