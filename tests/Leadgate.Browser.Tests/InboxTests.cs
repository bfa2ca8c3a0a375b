using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;
using Leadgate.Leads;

namespace Leadgate.Browser.Tests;

/// <summary>The sales inbox and the response clock, as a rep works a new MQL from the shared queue to an SQL.</summary>
public sealed partial class InboxTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task ARep_ClaimsANewMqlFromTheInbox_AFirstCallStopsTheClock_AndTheAcceptedSqlShowsTheTimeToFirstTouch()
    {
        var leadId = await server.CreateMqlAsync("Barbara", "Liskov", "Substitution Works");
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);

        // A sales rep lands in the inbox; the new MQL waits in the shared queue with its clock running.
        await Expect(page).ToHaveURLAsync(InboxAddress());
        var queued = page.GetByTestId("inbox-shared").Locator($"[data-lead='{leadId}']");
        await Expect(queued.GetByTestId("sla-clock")).ToHaveAttributeAsync("data-state", "running");
        await Expect(queued.GetByTestId("sla-clock")).ToContainTextAsync("due in");
        await page.ScreenshotAsync("inbox");
        await queued.GetByTestId("inbox-claim").ClickAsync();

        var mine = page.GetByTestId("inbox-mine").Locator($"[data-lead='{leadId}']");
        await Expect(mine.GetByTestId("inbox-work-status")).ToHaveTextAsync("New");
        await Expect(queued).ToHaveCountAsync(0);
        await mine.GetByTestId("inbox-lead").ClickAsync();
        await page.ExpectAtAsync($"/leads/{leadId}");
        await Expect(page.GetByTestId("lead-header")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("handover").GetByTestId("sla-clock")).ToHaveAttributeAsync("data-state", "running");

        // A call nobody answered is still the first touch: Attempting, and the clock stops.
        await LogCallAsync(page, "NoAnswer", 1);
        await Expect(page.GetByTestId("lead-work-status")).ToHaveTextAsync("Attempting contact");
        await Expect(page.GetByTestId("handover").GetByTestId("sla-clock")).ToHaveAttributeAsync("data-state", "stopped");
        await Expect(page.GetByTestId("handover-first-touch")).Not.ToHaveTextAsync("not yet");

        await LogCallAsync(page, "Connected", 2);
        await Expect(page.GetByTestId("lead-work-status")).ToHaveTextAsync("Connected");

        await page.GetByTestId("bant-Need-Confirmed").ClickAsync();
        await page.GetByTestId("bant-Need-note").FillAsync("Their reps answer new leads after two days.");
        await page.GetByTestId("bant-save").ClickAsync();
        await Expect(page.GetByTestId("bant-confirmed")).ToContainTextAsync("1 of 4 confirmed");
        await page.GetByTestId("action-accept").ClickAsync();
        var dialog = page.GetByTestId("dialog-accept");
        await dialog.GetByTestId("accept-value").Locator("input").FillAsync("18000");
        await dialog.GetByTestId("accept-close-date").FillDateAsync(DateOnly.FromDateTime(DateTime.Today.AddDays(40)), System.Globalization.CultureInfo.GetCultureInfo("en-GB"));
        await page.GetByTestId("dialog-submit").ClickAsync();

        await Expect(page.GetByTestId("lead-stage")).ToHaveAttributeAsync("data-stage", "Sql");
        await Expect(page.GetByTestId("deal-panel")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("handover-time-to-first-touch")).ToHaveTextAsync(Minutes());
        await Expect(page.GetByTestId("assignments").GetByTestId("assignment")).ToHaveCountAsync(2);
        await page.ScreenshotAsync("lead-handover");
        var stored = await server.GetLeadAsync(leadId);
        Assert.Equal((Stage.Sql, server.Sales.UserId), (stored.Stage, stored.OwnerId));
        Assert.NotNull(stored.Handover?.FirstTouchAt);
    }

    [Fact]
    public async Task ARep_MarksThemselvesAway_OnTheRoutingPage_InDutchToo()
    {
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        await page.GetByTestId("nav-routing").ClickAsync();
        await page.ExpectAtAsync("/settings/routing");
        await Expect(page.GetByTestId("read-only")).ToBeVisibleAsync();
        var me = page.Locator($"[data-testid=rep][data-user='{server.Sales.UserId}']");

        await me.GetByTestId("rep-available").Locator("input").ClickAsync();
        await Expect(me.GetByTestId("rep-available")).ToContainTextAsync("Away");
        await page.GetByTestId("language-NL").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await page.WaitUntilInteractiveAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Routering");
        await Expect(page.Locator($"[data-testid=rep][data-user='{server.Sales.UserId}']").GetByTestId("rep-available")).ToContainTextAsync("Afwezig");
        await page.ScreenshotAsync("routing-dutch");

        await page.Locator($"[data-testid=rep][data-user='{server.Sales.UserId}']").GetByTestId("rep-available").Locator("input").ClickAsync();
        await Expect(page.Locator($"[data-testid=rep][data-user='{server.Sales.UserId}']").GetByTestId("rep-available")).ToContainTextAsync("Aanwezig");
        await page.GetByTestId("language-EN").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
    }

    private static async Task LogCallAsync(IPage page, string outcome, int expected)
    {
        await page.GetByTestId("activity-type-Call").ClickAsync();
        await page.GetByTestId("activity-direction-Outbound").ClickAsync();
        await page.GetByTestId($"activity-outcome-{outcome}").ClickAsync();
        await page.GetByTestId("log-activity-submit").ClickAsync();
        await Expect(page.Locator("[data-testid=activity][data-type=Call]")).ToHaveCountAsync(expected);
    }

    [GeneratedRegex("/inbox$")]
    private static partial Regex InboxAddress();

    [GeneratedRegex(@"^\d+ min$")]
    private static partial Regex Minutes();
}
