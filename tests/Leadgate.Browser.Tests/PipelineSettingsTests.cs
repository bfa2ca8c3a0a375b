using System.Globalization;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;
using Leadgate.Pipeline;

namespace Leadgate.Browser.Tests;

/// <summary>
/// The pipeline and exchange-rate settings pages. The server is shared by every browser test, so the tests that change
/// stages do it on a pipeline of their own; the default pipeline is only ever offered changes that must be refused.
/// </summary>
public sealed class PipelineSettingsTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task ARenamedStage_IsShownByItsNewNameOnTheBoard()
    {
        var name = "Renewals " + Suffix();
        var page = await OpenSettingsAsync(Roles.Manager);
        await AddPipelineAsync(page, name);

        var first = Pipeline(page, name).Locator("[data-testid=stage][data-position='1']");
        await first.GetByTestId("stage-name").Locator("input").FillAsync("Renewal talks");
        await first.GetByTestId("stage-name").Locator("input").BlurAsync();
        await page.GetByTestId("pipelines-save").ClickAsync();
        await Expect(Stage(page, name, "Renewal talks")).ToHaveAttributeAsync("data-position", "1");
        // The page shows the new name as soon as it is typed, and still says "Pipelines saved." from adding the pipeline,
        // so the save is awaited in the database itself.
        Assert.Equal("Renewal talks", await StoredFirstStageAsync(name, "Renewal talks"));

        await page.GotoAsync("/pipeline");
        await page.WaitUntilInteractiveAsync();
        await page.GetByTestId("board-pipeline").ChooseAsync(name);
        await Expect(page.Locator("[data-testid=board-column][data-stage='Renewal talks']")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=board-column][data-stage='Qualified']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AnAddedStage_MovedUpWithTheKeyboard_IsSavedInItsPlace_AndTheBoardShowsItThere()
    {
        var name = "Partners " + Suffix();
        var page = await OpenSettingsAsync(Roles.Admin);
        await AddPipelineAsync(page, name);

        await Pipeline(page, name).GetByTestId("add-stage").ClickAsync();
        var added = Pipeline(page, name).Locator("[data-testid=stage][data-position='4']");
        await added.GetByTestId("stage-name").Locator("input").FillAsync("Joint demo");
        await added.GetByTestId("stage-name").Locator("input").BlurAsync();
        await added.GetByTestId("stage-probability").Locator("input").FillAsync("40");
        await added.GetByTestId("stage-probability").Locator("input").BlurAsync();

        // The arrows are buttons: reachable with Tab, pressed with Enter; each press is announced.
        var stage = Stage(page, name, "Joint demo");
        await stage.GetByTestId("stage-up").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(stage).ToHaveAttributeAsync("data-position", "3");
        await stage.GetByTestId("stage-up").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(stage).ToHaveAttributeAsync("data-position", "2");
        await Expect(page.GetByTestId("pipelines-announcer")).ToContainTextAsync("Joint demo is now at position 2");
        await page.ScreenshotAsync("pipeline-settings-reordered");
        await page.GetByTestId("pipelines-save").ClickAsync();
        await Expect(page.GetByTestId("pipelines-announcer")).ToHaveTextAsync("Pipelines saved.");

        var stored = await StoredAsync(name);
        Assert.Equal(["Qualified", "Joint demo", "Won", "Lost"], stored.Stages.Select(s => s.Name));
        Assert.Equal(40, stored.Stages[1].Probability);
        Assert.Equal(StageMeaning.Opportunity, stored.Stages[1].Meaning);

        await page.ReloadAsync();
        await page.WaitUntilInteractiveAsync();
        await Expect(Stage(page, name, "Joint demo")).ToHaveAttributeAsync("data-position", "2");

        await page.GotoAsync("/pipeline");
        await page.WaitUntilInteractiveAsync();
        await page.GetByTestId("board-pipeline").ChooseAsync(name);
        await Expect(page.GetByTestId("board-column")).ToHaveCountAsync(4);
        await Expect(page.GetByTestId("board-column").Nth(1)).ToHaveAttributeAsync("data-stage", "Joint demo");
    }

    [Fact]
    public async Task RemovingOrDeactivatingAStageThatHasDeals_IsRefusedNamingIt_AndNothingElseInTheSameSaveIsKept()
    {
        await server.CreateSqlAsync("Mary", "Somerville", "Mechanism of the Heavens", 7_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(20)));
        var before = (await server.GetPipelinesAsync())[0];
        var page = await OpenSettingsAsync(Roles.Manager);

        var negotiation = Stage(page, before.Name, "Negotiation");
        await negotiation.GetByTestId("stage-probability").Locator("input").FillAsync("65");
        await negotiation.GetByTestId("stage-probability").Locator("input").BlurAsync();
        await Stage(page, before.Name, "Qualified").GetByTestId("stage-remove").ClickAsync();
        await Expect(Stage(page, before.Name, "Qualified")).ToHaveCountAsync(0);
        await page.GetByTestId("pipelines-save").ClickAsync();

        await Expect(page.GetByTestId("error")).ToContainTextAsync("The stage 'Qualified' has deals or history, so it cannot be removed; deactivate it instead. Nothing was saved.");
        var after = (await server.GetPipelinesAsync())[0];
        Assert.Equal(before.Stages.Select(s => (s.Name, s.Probability, s.Meaning, s.Active)), after.Stages.Select(s => (s.Name, s.Probability, s.Meaning, s.Active)));

        await page.GetByTestId("pipelines-cancel").ClickAsync();
        await Expect(Stage(page, before.Name, "Qualified")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("error")).ToHaveCountAsync(0);
        await Expect(Stage(page, before.Name, "Negotiation").GetByTestId("stage-probability").Locator("input")).ToHaveValueAsync("70");

        await Stage(page, before.Name, "Qualified").GetByTestId("stage-active").Locator("input").UncheckAsync();
        await Expect(Stage(page, before.Name, "Qualified")).ToHaveAttributeAsync("data-active", "false");
        await page.GetByTestId("pipelines-save").ClickAsync();
        await Expect(page.GetByTestId("error")).ToContainTextAsync("The stage 'Qualified' holds open deals: move them to another stage before deactivating it. Nothing was saved.");
        await Expect(Stage(page, before.Name, "Qualified")).ToHaveAttributeAsync("data-refused", "true");
        Assert.True((await server.GetPipelinesAsync())[0].Stages.Single(s => s.Name == "Qualified").Active);
    }

    [Fact]
    public async Task InDutch_GivingAStageWithDealsAnotherMeaning_IsRefusedInDutch_NamingTheStage()
    {
        await server.CreateSqlAsync("Ida", "Rhodes", "Universal Machines", 6_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(25)));
        var before = (await server.GetPipelinesAsync())[0];
        var page = await OpenSettingsAsync(Roles.Manager);
        await page.GetByTestId("language-NL").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await page.WaitUntilInteractiveAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Pijplijnen");

        var qualified = Stage(page, before.Name, "Qualified");
        await qualified.GetByTestId("stage-meaning").ChooseAsync("Verkoopkans");
        await page.GetByTestId("pipelines-save").ClickAsync();

        await Expect(page.GetByTestId("error")).ToContainTextAsync("De fase 'Qualified' heeft deals: je mag hem hernoemen, maar niet veranderen wat hij betekent.");
        await Expect(qualified).ToHaveAttributeAsync("data-refused", "true");
        await page.ScreenshotAsync("pipeline-settings-refused-dutch");
        Assert.Equal(StageMeaning.Sql, (await server.GetPipelinesAsync())[0].Stages.Single(s => s.Name == "Qualified").Meaning);
    }

    [Fact]
    public async Task AnExchangeRateAdded_MakesADealInThatCurrencyCountInTheBoardTotal_AndABadRowIsNamed()
    {
        var leadId = await server.CreateSqlAsync("Greta", "Garbo", "Stockholm Studios", 5_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(3)), "SEK");
        var dealId = (await server.GetLeadAsync(leadId)).DealId!.Value;
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Admin).Email);
        await page.GotoAsync("/pipeline");
        await page.WaitUntilInteractiveAsync();
        var qualified = page.Locator("[data-testid=board-column][data-stage='Qualified']");
        await Expect(qualified.Locator($"[data-testid=card-without-rate][data-deal='{dealId}']")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("board-missing-rates")).ToContainTextAsync("SEK");
        var totalBefore = Euros(await qualified.GetByTestId("column-total").TextContentAsync());

        await page.GetByTestId("nav-exchange-rates").ClickAsync();
        await Expect(page.GetByTestId("organisation-currency")).ToHaveTextAsync("EUR");
        var rows = await page.GetByTestId("rate").CountAsync();
        await page.GetByTestId("add-rate").ClickAsync();
        await Expect(page.GetByTestId("rate")).ToHaveCountAsync(rows + 1);
        var row = page.GetByTestId("rate").Last;
        await row.GetByTestId("rate-currency").Locator("input").FillAsync("EUR");
        await row.GetByTestId("rate-value").Locator("input").FillAsync("0");
        await row.GetByTestId("rate-value").Locator("input").BlurAsync();
        await page.GetByTestId("rates-save").ClickAsync();
        await Expect(page.GetByTestId("error")).ToContainTextAsync("currency: EUR is the organisation's own currency; its rate is always 1.");
        await Expect(page.GetByTestId("error")).ToContainTextAsync("(EUR), rate: A rate greater than 0 and at most 1,000,000.");
        await page.ScreenshotAsync("exchange-rates-invalid");

        await row.GetByTestId("rate-currency").Locator("input").FillAsync("sek");
        await row.GetByTestId("rate-value").Locator("input").FillAsync("0.09");
        await row.GetByTestId("rate-value").Locator("input").BlurAsync();
        await page.GetByTestId("rates-save").ClickAsync();
        await Expect(page.GetByTestId("error")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=rate][data-currency='SEK']")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=rate][data-currency='SEK']").GetByTestId("rate-changed")).Not.ToBeEmptyAsync();

        await page.GetByTestId("nav-pipeline").ClickAsync();
        await page.WaitUntilInteractiveAsync();
        await Expect(qualified.Locator($"[data-testid=deal-card][data-deal='{dealId}']")).ToHaveCountAsync(1);
        await Expect(qualified.Locator($"[data-testid=card-without-rate][data-deal='{dealId}']")).ToHaveCountAsync(0);
        await Expect(qualified.GetByTestId("column-total")).ToHaveTextAsync((totalBefore + 450m).ToString("C", Euro));
    }

    private static readonly CultureInfo Euro = new("en-IE");

    private static decimal Euros(string? text) => decimal.Parse(text!, NumberStyles.Currency, Euro);

    private static string Suffix() => Guid.NewGuid().ToString("N")[..6];

    private async Task<IPage> OpenSettingsAsync(string role)
    {
        var page = await browser.SignInAsync(server, LeadgateServer.User(role).Email);
        await page.GetByTestId("nav-pipelines").ClickAsync();
        await page.WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("pipelines-save")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>Adds a pipeline with the page's starting stages (Qualified, Won, Lost) under this name, and saves it.</summary>
    private static async Task AddPipelineAsync(IPage page, string name)
    {
        var pipelines = await page.GetByTestId("pipeline").CountAsync();
        await page.GetByTestId("add-pipeline").ClickAsync();
        await Expect(page.GetByTestId("pipeline")).ToHaveCountAsync(pipelines + 1);
        var added = page.GetByTestId("pipeline").Last;
        await added.GetByTestId("pipeline-name").Locator("input").FillAsync(name);
        await added.GetByTestId("pipeline-name").Locator("input").BlurAsync();
        await page.GetByTestId("pipelines-save").ClickAsync();
        await Expect(page.GetByTestId("pipelines-announcer")).ToHaveTextAsync("Pipelines saved.");
        await Expect(Pipeline(page, name).GetByTestId("stage")).ToHaveCountAsync(3);
    }

    private async Task<string> StoredFirstStageAsync(string name, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        string stored;
        while ((stored = (await StoredAsync(name)).Stages[0].Name) != expected && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        return stored;
    }

    private async Task<PipelineView> StoredAsync(string name) => (await server.GetPipelinesAsync()).Single(p => p.Name == name);

    private static ILocator Pipeline(IPage page, string name) => page.Locator($"[data-testid=pipeline][data-pipeline='{name}']");

    private static ILocator Stage(IPage page, string pipeline, string stage) => Pipeline(page, pipeline).Locator($"[data-testid=stage][data-stage='{stage}']");
}
