using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;
using Leadgate.Pipeline;

namespace Leadgate.Browser.Tests;

/// <summary>Issue 16: the deal page holds the whole story, and every change on it goes through the lifecycle's use cases.</summary>
public sealed class DealPageTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task ThreeStakeholdersInDifferentRoles_AreShownOnTheDealPage_AndContractingWithoutADecisionMaker_IsRefusedNamingIt()
    {
        var leadId = await server.CreateSqlAsync("Niklaus", "Wirth", "Pascal Works", 14_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(45)));
        var dealId = (await server.GetLeadAsync(leadId)).DealId!.Value;
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);

        // From the lead's page to its deal.
        await page.OpenLeadAsync(leadId);
        await page.GetByTestId("deal-page-link").ClickAsync();
        await page.ExpectAtAsync($"/deals/{dealId}");
        await page.WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("deal-title")).ToHaveTextAsync("Pascal Works");

        await AddStakeholderAsync(page, "anna@pascal.example.com", "Anna", "Bakker", "Champion");
        await AddStakeholderAsync(page, "legal@pascal.example.com", null, null, "Legal");
        await AddStakeholderAsync(page, "bram@pascal.example.com", "Bram", "Smit", "Influencer");

        var stakeholders = page.GetByTestId("deal-stakeholder");
        await Expect(stakeholders).ToHaveCountAsync(3);
        await Expect(page.Locator("[data-testid=deal-stakeholder][data-role=Champion]")).ToContainTextAsync("Anna Bakker");
        await Expect(page.Locator("[data-testid=deal-stakeholder][data-role=Legal]")).ToContainTextAsync("legal@pascal.example.com");
        await Expect(page.Locator("[data-testid=deal-stakeholder][data-role=Influencer]")).ToContainTextAsync("Bram Smit");
        var stored = await server.GetDealAsync(dealId);
        Assert.Equal([StakeholderRole.Champion, StakeholderRole.Legal, StakeholderRole.Influencer], stored.Stakeholders.Select(s => s.Role));

        // Negotiation asks for the proposal amount first (Sql → Opportunity); then Contracting asks for a decision maker.
        await page.Locator("[data-testid=path-stage][data-stage=Negotiation]").ClickAsync();
        await Expect(page.GetByTestId("move-refusal")).ToContainTextAsync("SQL → Opportunity");
        await page.GetByTestId("move-amount").Locator("input").FillAsync("13500");
        await page.GetByTestId("move-retry").ClickAsync();
        await Expect(page.Locator("[data-testid=path-stage][data-current=true]")).ToHaveAttributeAsync("data-stage", "Negotiation");

        await page.Locator("[data-testid=path-stage][data-stage=Contracting]").ClickAsync();
        await Expect(page.GetByTestId("move-refusal")).ToContainTextAsync("A decision maker among the deal's stakeholders.");
        await Expect(page.GetByTestId("deal-announcer")).ToContainTextAsync("was not moved to Contracting");
        await Expect(page.Locator("[data-testid=path-stage][data-current=true]")).ToHaveAttributeAsync("data-stage", "Negotiation");
        await page.ScreenshotAsync("deal-page-refused");
        Assert.Equal("Negotiation", (await server.GetDealAsync(dealId)).Stage);

        // And back to the lead.
        await page.GetByTestId("deal-lead-link").ClickAsync();
        await page.ExpectAtAsync($"/leads/{leadId}");
        await Expect(page.GetByTestId("lead-header")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ARepSets65Percent_AMoveKeepsItAndSaysItIsTheReps_AndClearingItRestoresTheStageDefault()
    {
        var leadId = await server.CreateSqlAsync("Barbara", "Minsky", "Frames Inc", 9_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(45)));
        var dealId = (await server.GetLeadAsync(leadId)).DealId!.Value;
        var page = await OpenDealAsync(dealId);
        var probability = page.GetByTestId("deal-probability");
        await Expect(probability).ToHaveAttributeAsync("data-value", "20");
        await Expect(probability).ToHaveAttributeAsync("data-source", "Stage");

        await Input(page, "probability-input").FillAsync("65");
        await page.GetByTestId("probability-set").ClickAsync();
        await Expect(probability).ToHaveAttributeAsync("data-value", "65");
        await Expect(probability).ToContainTextAsync("The probability the rep set");

        await page.Locator("[data-testid=path-stage][data-stage='Discovery/demo']").ClickAsync();
        await Expect(page.Locator("[data-testid=path-stage][data-current=true]")).ToHaveAttributeAsync("data-stage", "Discovery/demo");
        await Expect(probability).ToHaveAttributeAsync("data-value", "65");
        await Expect(probability).ToHaveAttributeAsync("data-source", "Rep");
        await Expect(probability).ToContainTextAsync("The probability the rep set");
        await page.ScreenshotAsync("deal-page-rep-probability");

        await page.GetByTestId("probability-clear").ClickAsync();
        await Expect(probability).ToHaveAttributeAsync("data-value", "35");
        await Expect(probability).ToHaveAttributeAsync("data-source", "Stage");
        await Expect(probability).ToContainTextAsync("The stage's default probability");
        await Expect(page.GetByTestId("probability-clear")).ToHaveCountAsync(0);

        var deal = await server.GetDealAsync(dealId);
        Assert.Equal((35, ProbabilitySource.Stage), (deal.Probability, deal.ProbabilitySource));
        await Expect(page.GetByTestId("history-row")).ToHaveCountAsync(4);
        Assert.Equal([20, 65, 65, 35], (await server.GetDealHistoryAsync(dealId)).Select(h => h.Probability));
    }

    [Fact]
    public async Task OnTheDealPage_ARepPlansTheNextStep_SchedulesAndCompletesAnActivity_AndRecordsAndAnswersAnObjection()
    {
        var leadId = await server.CreateSqlAsync("Ken", "Iverson", "Array Language Co", 11_000m, DateOnly.FromDateTime(DateTime.Today.AddDays(45)));
        var dealId = (await server.GetLeadAsync(leadId)).DealId!.Value;
        var page = await OpenDealAsync(dealId);

        await Input(page, "next-step-text").FillAsync("Demo for the finance team");
        await page.GetByTestId("next-step-save").ClickAsync();
        await Expect(page.GetByTestId("deal-next-step")).ToContainTextAsync("Demo for the finance team");

        await page.GetByTestId("schedule-date").FillDateAsync(DateOnly.FromDateTime(DateTime.Today.AddDays(3)), System.Globalization.CultureInfo.GetCultureInfo("en-GB"));
        await Input(page, "schedule-notes").FillAsync("Call the CFO");
        await page.GetByTestId("schedule-add").ClickAsync();
        var planned = page.Locator("[data-testid=timeline-entry][data-kind=scheduled]");
        await Expect(planned).ToContainTextAsync("Call the CFO");
        Assert.Single((await server.GetDealAsync(dealId)).Scheduled, s => s.DoneAt is null);

        // A call that is done says how it went.
        await planned.GetByTestId("scheduled-done").ClickAsync();
        await page.Locator("[data-testid=done-outcome][data-outcome=Connected]").ClickAsync();
        await Expect(planned).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=timeline-entry][data-kind=logged]", new() { HasText = "Call the CFO" })).ToHaveCountAsync(1);

        await page.GetByTestId("objection-category").ChooseAsync("Price");
        await Input(page, "objection-text").FillAsync("Twice what they pay now");
        await page.GetByTestId("objection-add").ClickAsync();
        var objection = page.Locator("[data-testid=objection][data-category=Price]");
        await Expect(objection).ToHaveAttributeAsync("data-answered", "false");
        await Input(objection, "objection-answer-text").FillAsync("Three-year cost is lower");
        await objection.GetByTestId("objection-answer-save").ClickAsync();
        await Expect(objection).ToHaveAttributeAsync("data-answered", "true");
        await Expect(objection.GetByTestId("objection-answer")).ToContainTextAsync("Three-year cost is lower");
        await page.ScreenshotAsync("deal-page");

        var deal = await server.GetDealAsync(dealId);
        Assert.Equal("Demo for the finance team", deal.NextStep?.Text);
        Assert.Equal("Three-year cost is lower", Assert.Single(deal.Objections).Answer);
    }

    private async Task<IPage> OpenDealAsync(Guid dealId)
    {
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        await page.GotoAsync($"/deals/{dealId}");
        await page.WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("deal-header")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>A MudBlazor text field's input (or text area), whether the test id sits on it or around it.</summary>
    private static ILocator Input(IPage page, string testId) => page.Locator(InputSelector(testId)).First;

    private static ILocator Input(ILocator within, string testId) => within.Locator(InputSelector(testId)).First;

    private static string InputSelector(string testId) =>
        $"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input:not([type=hidden]), [data-testid={testId}] textarea";

    private static async Task AddStakeholderAsync(IPage page, string email, string? firstName, string? lastName, string role)
    {
        var count = await page.GetByTestId("deal-stakeholder").CountAsync();
        await Input(page, "stakeholder-email").FillAsync(email);
        if (firstName is not null)
        {
            await Input(page, "stakeholder-first-name").FillAsync(firstName);
            await Input(page, "stakeholder-last-name").FillAsync(lastName!);
        }

        await page.GetByTestId("stakeholder-role").ChooseAsync(role);
        await page.GetByTestId("stakeholder-add").ClickAsync();
        await Expect(page.GetByTestId("deal-stakeholder")).ToHaveCountAsync(count + 1);
    }
}
