using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;
using Leadgate.Leads;

namespace Leadgate.Browser.Tests;

/// <summary>After the handover: the deal's moves, each offered only where the lifecycle table allows it.</summary>
public sealed class PipelineTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task Sales_RecordsAProposal_ThenWinsTheDeal_AndTheLeadBecomesACustomer()
    {
        var leadId = await server.CreateSqlAsync("Barbara", "Liskov", "Substitution Systems", 10_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(30)));
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        await page.OpenLeadAsync(leadId);
        await Expect(page.GetByTestId("action-mark-won")).ToBeVisibleAsync();

        await page.GetByTestId("action-record-proposal").ClickAsync();
        await page.GetByTestId("dialog-record-proposal").GetByTestId("proposal-amount").Locator("input").FillAsync("9500");
        await page.GetByTestId("dialog-submit").ClickAsync();
        await Expect(page.GetByTestId("lead-stage")).ToHaveAttributeAsync("data-stage", "Opportunity");
        await Expect(page.GetByTestId("deal-proposal")).ToContainTextAsync("€9,500.00");
        await Expect(page.GetByTestId("action-record-proposal")).ToHaveCountAsync(0);

        await page.GetByTestId("action-mark-won").ClickAsync();
        await page.ScreenshotAsync("mark-won-dialog");
        await page.GetByTestId("dialog-submit").ClickAsync();
        await Expect(page.GetByTestId("lead-stage")).ToHaveAttributeAsync("data-stage", "Customer");
        await Expect(page.GetByTestId("deal-status")).ToHaveAttributeAsync("data-status", "Won");
        await Expect(page.GetByTestId("deal-won")).ToHaveTextAsync("€9,500.00");
        await Expect(page.Locator("[data-testid=stage-event][data-from=Opportunity][data-to=Customer]")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("deal-actions")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("lead-customer");

        Assert.Equal(Stage.Customer, (await server.GetLeadAsync(leadId)).Stage);
    }

    [Fact]
    public async Task OnTheBoard_ADragToProposalWithoutAProposalAmount_IsRefusedWithTheReason_AndWithOne_TheLeadGoesSqlToOpportunityByTheRep()
    {
        var leadId = await server.CreateSqlAsync("Grace", "Hopper", "Compiler Company", 12_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(40)));
        var dealId = (await server.GetLeadAsync(leadId)).DealId!.Value;
        var page = await OpenBoardAsync();
        var card = Card(page, dealId);
        await Expect(Column(page, "Qualified").Locator($"[data-testid=deal-card][data-deal='{dealId}']")).ToHaveCountAsync(1);

        await card.DragToAsync(Column(page, "Proposal").Locator(".mud-drop-zone"));

        await Expect(card.GetByTestId("card-refusal")).ToContainTextAsync("SQL → Opportunity");
        await Expect(page.GetByTestId("board-announcer")).ToContainTextAsync("was not moved to Proposal");
        await Expect(Column(page, "Qualified").Locator($"[data-testid=deal-card][data-deal='{dealId}']")).ToHaveCountAsync(1);
        await page.ScreenshotAsync("board-refused");
        Assert.Equal(Stage.Sql, (await server.GetLeadAsync(leadId)).Stage);

        await card.GetByTestId("card-amount").Locator("input").FillAsync("11500");
        await card.GetByTestId("card-retry").ClickAsync();

        await Expect(Column(page, "Proposal").Locator($"[data-testid=deal-card][data-deal='{dealId}']")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("board-announcer")).ToContainTextAsync("moved to Proposal");
        await AssertOpportunityByTheRepAsync(page, leadId);
    }

    [Fact]
    public async Task OnTheBoard_TheMoveToMenu_AndTheKeyboard_MoveADealTheSameWay()
    {
        var byMenu = await server.CreateSqlAsync("Edsger", "Dijkstra", "Shortest Paths", 8_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(40)));
        var byKeys = await server.CreateSqlAsync("Tony", "Hoare", "Quicksort Ltd", 9_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(40)));
        var menuDeal = (await server.GetLeadAsync(byMenu)).DealId!.Value;
        var keysDeal = (await server.GetLeadAsync(byKeys)).DealId!.Value;
        var page = await OpenBoardAsync();

        var card = Card(page, menuDeal);
        await card.GetByTestId("card-move-menu").ClickAsync();
        await Expect(card.GetByTestId("card-move-menu")).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(card.GetByTestId("move-to")).ToHaveCountAsync(6);
        await page.Locator("[data-testid=move-to][data-stage=Proposal]").ClickAsync();
        await Expect(card.GetByTestId("card-refusal")).ToBeVisibleAsync();
        await card.GetByTestId("card-amount").Locator("input").FillAsync("7500");
        await card.GetByTestId("card-retry").ClickAsync();
        await Expect(Column(page, "Proposal").Locator($"[data-testid=deal-card][data-deal='{menuDeal}']")).ToHaveCountAsync(1);

        var keys = Card(page, keysDeal);
        await keys.FocusAsync();
        await keys.PressAsync("ArrowRight");
        await Expect(Column(page, "Discovery/demo").Locator($"[data-testid=deal-card][data-deal='{keysDeal}']")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("board-announcer")).ToContainTextAsync("moved to Discovery/demo");
        await Card(page, keysDeal).FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await Expect(Card(page, keysDeal).GetByTestId("card-refusal")).ToContainTextAsync("SQL → Opportunity");
        await Expect(page.GetByTestId("board-announcer")).ToContainTextAsync("was not moved to Proposal");
        await Card(page, keysDeal).GetByTestId("card-amount").Locator("input").FillAsync("8800");
        await Card(page, keysDeal).GetByTestId("card-retry").ClickAsync();
        await Expect(Column(page, "Proposal").Locator($"[data-testid=deal-card][data-deal='{keysDeal}']")).ToHaveCountAsync(1);

        await AssertOpportunityByTheRepAsync(page, byMenu);
        await AssertOpportunityByTheRepAsync(page, byKeys);
    }

    private async Task<IPage> OpenBoardAsync()
    {
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        // Other tests fill this organisation's Qualified column (twenty cards shown). A drag must not scroll the page
        // between pressing on the card and reaching the target column, or the press lands on the card above: the window
        // is tall enough to show every column whole.
        await page.SetViewportSizeAsync(1440, 4000);
        await page.GotoAsync("/pipeline");
        await page.WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("board")).ToBeVisibleAsync();
        return page;
    }

    private static ILocator Card(IPage page, Guid dealId) => page.Locator($"[data-testid=deal-card][data-deal='{dealId}']");

    private static ILocator Column(IPage page, string stage) => page.Locator($"[data-testid=board-column][data-stage='{stage}']");

    /// <summary>The lead's own history, on its page and in the database: Sql → Opportunity, by the sales rep who moved the deal.</summary>
    private async Task AssertOpportunityByTheRepAsync(IPage page, Guid leadId)
    {
        var lead = await server.GetLeadAsync(leadId);
        Assert.Equal(Stage.Opportunity, lead.Stage);
        var moved = lead.History.Single(e => e.From == Stage.Sql && e.To == Stage.Opportunity);
        Assert.Equal(server.Sales.UserId, moved.ActorUserId);
        await page.OpenLeadAsync(leadId);
        await Expect(page.Locator("[data-testid=stage-event][data-from=Sql][data-to=Opportunity]")).ToContainTextAsync(LeadgateServer.User(Roles.Sales).DisplayName);
        await Expect(page.GetByTestId("deal-stage")).ToHaveAttributeAsync("data-stage", "Proposal");
    }

    [Fact]
    public async Task Sales_SendingAnMqlBackWithTheReasonOther_MustSayWhy_ThenItGoesBackToMarketing()
    {
        var leadId = await server.CreateMqlAsync("John", "Backus", "Formula Translation");
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        await page.OpenLeadAsync(leadId);

        await page.GetByTestId("action-reject").ClickAsync();
        var dialog = page.GetByTestId("dialog-reject");
        await dialog.GetByTestId("reject-reason").ChooseAsync("Other");
        await page.GetByTestId("dialog-submit").ClickAsync();
        // The form usually says so before sending; when a slow page sends first, the server's refusal names the note.
        await Expect(dialog).ToContainTextAsync(new System.Text.RegularExpressions.Regex("This reason needs a note|A note explaining the reason"));
        await Expect(page.GetByTestId("lead-stage")).ToHaveAttributeAsync("data-stage", "Mql");

        await dialog.Locator("[data-testid=reject-note] textarea, textarea[data-testid=reject-note]").FillAsync("They are merging with another company; ask again in spring.");
        await page.ScreenshotAsync("reject-dialog");
        await page.GetByTestId("dialog-submit").ClickAsync();

        await Expect(page.GetByTestId("lead-stage")).ToHaveAttributeAsync("data-stage", "Nurture");
        var sentBack = page.Locator("[data-testid=stage-event][data-from=Mql][data-to=Nurture]");
        await Expect(sentBack.GetByTestId("event-reason")).ToHaveTextAsync("Other");
        await Expect(sentBack.GetByTestId("event-note")).ToContainTextAsync("merging with another company");
        Assert.Equal(Stage.Nurture, (await server.GetLeadAsync(leadId)).Stage);
    }

    [Fact]
    public async Task APageShowingAnOldVersion_IsToldToReload_AndChangesNothingUntilItDoes()
    {
        var leadId = await server.CreateMqlAsync("Frances", "Allen", "Parallel Compilers");
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        await page.OpenLeadAsync(leadId);
        await server.ChangeMeanwhileAsync(leadId);

        await page.GetByTestId("bant-Need-Confirmed").ClickAsync();
        await page.GetByTestId("bant-save").ClickAsync();
        var stale = page.GetByTestId("bant").GetByTestId("error");
        await Expect(stale).ToContainTextAsync("changed this lead in the meantime");
        Assert.Equal(0, (await server.GetLeadAsync(leadId)).Bant.ConfirmedCount);

        await stale.GetByTestId("reload").ClickAsync();
        await Expect(page.Locator("[data-testid=activity][data-type=Note]")).ToHaveCountAsync(1);
        await page.GetByTestId("bant-Need-Confirmed").ClickAsync();
        await page.GetByTestId("bant-save").ClickAsync();
        await Expect(page.GetByTestId("bant-confirmed")).ToContainTextAsync("1 of 4 confirmed");
        Assert.Equal(1, (await server.GetLeadAsync(leadId)).Bant.ConfirmedCount);
    }
}
