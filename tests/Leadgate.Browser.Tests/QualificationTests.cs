using System.Globalization;
using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;
using Leadgate.Leads;

namespace Leadgate.Browser.Tests;

/// <summary>The handover, as a sales rep and a marketer click through it: only a real conversation and BANT make an SQL.</summary>
public sealed partial class QualificationTests(LeadgateServer server, BrowserFixture browser)
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    [Fact]
    public async Task Sales_AfterAConnectedCallAndNeedConfirmed_AcceptsTheMqlAsSqlWithADeal()
    {
        var leadId = await server.CreateMqlAsync("Grace", "Hopper", "Cobol Works");
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        await page.OpenLeadAsync(leadId);
        await Expect(page.GetByTestId("lead-stage")).ToHaveAttributeAsync("data-stage", "Mql");
        await page.ScreenshotAsync("lead-mql");

        await page.GetByTestId("activity-type-Call").ClickAsync();
        await page.GetByTestId("activity-direction-Outbound").ClickAsync();
        await page.GetByTestId("activity-outcome-Connected").ClickAsync();
        await page.GetByTestId("activity-notes").FillAsync("Spoke with Grace about their routing backlog.");
        await page.GetByTestId("log-activity-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=activity][data-type=Call][data-outcome=Connected]")).ToHaveCountAsync(1);

        await page.GetByTestId("bant-Need-Confirmed").ClickAsync();
        await page.GetByTestId("bant-Need-note").FillAsync("Leads wait two days for a first call.");
        await page.GetByTestId("bant-save").ClickAsync();
        await Expect(page.GetByTestId("bant-confirmed")).ToContainTextAsync("1 of 4 confirmed");

        await page.GetByTestId("action-accept").ClickAsync();
        var dialog = page.GetByTestId("dialog-accept");
        await dialog.GetByTestId("accept-value").Locator("input").FillAsync("25000");
        await dialog.GetByTestId("accept-close-date").FillDateAsync(DateOnly.FromDateTime(DateTime.Today.AddDays(45)), English);
        await page.ScreenshotAsync("accept-dialog");
        await page.GetByTestId("dialog-submit").ClickAsync();

        await Expect(page.GetByTestId("lead-stage")).ToHaveAttributeAsync("data-stage", "Sql");
        await Expect(page.GetByTestId("deal-panel")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("deal-value")).ToHaveTextAsync("€25,000.00");
        var accepted = page.Locator("[data-testid=stage-event][data-from=Mql][data-to=Sql]");
        await Expect(accepted).ToHaveCountAsync(1);
        await Expect(accepted.GetByTestId("event-actor")).ToHaveTextAsync(LeadgateServer.User(Roles.Sales).DisplayName);
        await Expect(accepted.GetByTestId("event-time")).ToHaveTextAsync(DateAndTime());
        await page.ScreenshotAsync("lead-sql");

        var stored = await server.GetLeadAsync(leadId);
        Assert.Equal(Stage.Sql, stored.Stage);
        Assert.NotNull(stored.DealId);
    }

    [Fact]
    public async Task Sales_AcceptingWithoutAConversation_IsToldTheConversationIsMissing_AndTheLeadStaysMql()
    {
        var leadId = await server.CreateMqlAsync("Alan", "Turing", "Bletchley Analytics");
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        await page.OpenLeadAsync(leadId);

        await page.GetByTestId("bant-Need-Confirmed").ClickAsync();
        await page.GetByTestId("bant-save").ClickAsync();
        await Expect(page.GetByTestId("bant-confirmed")).ToContainTextAsync("1 of 4 confirmed");
        await page.GetByTestId("action-accept").ClickAsync();
        var dialog = page.GetByTestId("dialog-accept");
        await dialog.GetByTestId("accept-value").Locator("input").FillAsync("12000");
        await dialog.GetByTestId("accept-close-date").FillDateAsync(DateOnly.FromDateTime(DateTime.Today.AddDays(30)), English);
        await page.GetByTestId("dialog-submit").ClickAsync();

        var refusal = dialog.GetByTestId("error");
        await Expect(refusal).ToContainTextAsync("MQL → SQL is not possible yet");
        await Expect(refusal.GetByTestId("error-detail")).ToHaveTextAsync([TwoWayConversation()]);
        await page.ScreenshotAsync("accept-refused");
        await page.GetByTestId("dialog-cancel").ClickAsync();
        await Expect(page.GetByTestId("lead-stage")).ToHaveAttributeAsync("data-stage", "Mql");
        Assert.Equal(Stage.Mql, (await server.GetLeadAsync(leadId)).Stage);
    }

    [Fact]
    public async Task Marketing_OnAnMql_SeesNoAcceptButton()
    {
        var leadId = await server.CreateMqlAsync("Hedy", "Lamarr", "Frequency Hop");
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Marketing).Email);
        await page.OpenLeadAsync(leadId);

        // The lifecycle table lets marketing disqualify an MQL, so the actions did render; accepting is for sales only.
        await Expect(page.GetByTestId("action-disqualify")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("action-accept")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("action-reject")).ToHaveCountAsync(0);
        await page.ScreenshotAsync("lead-mql-marketing");
    }

    [GeneratedRegex(@"^\d{1,2} [A-Z][a-z]{2,3} \d{4} \d{2}:\d{2}$")]
    private static partial Regex DateAndTime();

    [GeneratedRegex("two-way conversation", RegexOptions.IgnoreCase)]
    private static partial Regex TwoWayConversation();
}
