using System.Globalization;
using System.Text.Json;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;
using Leadgate.Demo;

namespace Leadgate.Browser.Tests;

/// <summary>
/// Issue 18, acceptance 1: an outreach agency hands a reply to its client; the client's rep works it from the inbox to an
/// SQL; the agency sees the lead's stage at the client — and nothing more than the link shares (here: the Stage only).
/// </summary>
public sealed class AgencyTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task AnAgencyHandsAReplyToItsClient_TheRepAcceptsItFromTheInbox_AndTheAgencySeesSql_AndNothingMoreThanTheLinkShares()
    {
        var (linkId, replyId) = await server.CreateAgencyReplyAsync("Wieteke", "Oosterbroek", "Oosterbroek Facilitair", "Yes, please call me next week about your sales inbox.");
        var agency = await browser.SignInAsync(server, AgencyDemo.Users.Single(u => u.Role == Roles.Sales).Email);
        await agency.ExpectAtAsync("/agency/queue"); // an agency's rep starts with the replies to hand over

        // The agency's queue: the reply waits with its text and campaign; the only active client is chosen already.
        await agency.GetByTestId("nav-agency-queue").ClickAsync();
        await agency.ExpectAtAsync("/agency/queue");
        var reply = agency.Locator($"[data-testid=agency-reply][data-lead='{replyId}']");
        await Expect(reply.GetByTestId("agency-reply-text")).ToContainTextAsync("please call me next week");
        await Expect(reply).ToContainTextAsync(AgencyDemo.DemoCampaign);
        await reply.Locator("[data-testid=agency-reply-note] textarea, textarea[data-testid=agency-reply-note]").FillAsync("Wants a call on Tuesday morning.");
        await agency.ScreenshotAsync("agency-queue");
        await reply.GetByTestId("agency-reply-hand-over").ClickAsync();
        await Expect(reply).ToHaveCountAsync(0);

        // Right away the agency sees it as an MQL at the client.
        await agency.GotoAsync("/agency/results");
        await agency.WaitUntilInteractiveAsync();
        var result = agency.Locator($"[data-testid=agency-handover][data-lead='{replyId}']");
        await Expect(result).ToHaveAttributeAsync("data-stage", "Mql");

        // A sales rep of the client signs in: the lead waits in the inbox's shared queue with its response clock running.
        var rep = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        var queued = rep.GetByTestId("inbox-shared").Locator("[data-lead]", new() { HasText = "Wieteke Oosterbroek" });
        await Expect(queued.GetByTestId("sla-clock")).ToHaveAttributeAsync("data-state", "running");
        var clientLeadId = Guid.Parse((await queued.GetAttributeAsync("data-lead"))!);
        await queued.GetByTestId("inbox-claim").ClickAsync();
        await rep.OpenLeadAsync(clientLeadId);

        // The lead says where it came from, and the reply reads as the agency's, not the rep's conversation.
        await Expect(rep.GetByTestId("lead-agency")).ToContainTextAsync(AgencyDemo.Name);
        await Expect(rep.GetByTestId("lead-agency-note")).ToContainTextAsync("Tuesday morning");
        var agencyReply = rep.Locator("[data-testid=activity][data-from-agency=true]");
        await Expect(agencyReply).ToContainTextAsync("please call me next week");
        await Expect(agencyReply.GetByTestId("activity-from-agency")).ToBeVisibleAsync();
        await rep.ScreenshotAsync("agency-lead-at-client");

        // The rep's own connected call, BANT and acceptance make it an SQL.
        await rep.GetByTestId("activity-type-Call").ClickAsync();
        await rep.GetByTestId("activity-direction-Outbound").ClickAsync();
        await rep.GetByTestId("activity-outcome-Connected").ClickAsync();
        await rep.GetByTestId("log-activity-submit").ClickAsync();
        await Expect(rep.Locator("[data-testid=activity][data-type=Call]")).ToHaveCountAsync(1);
        await rep.GetByTestId("bant-Need-Confirmed").ClickAsync();
        await rep.GetByTestId("bant-Need-note").FillAsync("Their reps call new leads back after two days.");
        await rep.GetByTestId("bant-save").ClickAsync();
        await Expect(rep.GetByTestId("bant-confirmed")).ToContainTextAsync("1 of 4 confirmed");
        await rep.GetByTestId("action-accept").ClickAsync();
        var dialog = rep.GetByTestId("dialog-accept");
        await dialog.GetByTestId("accept-value").Locator("input").FillAsync("21000");
        await dialog.GetByTestId("accept-close-date").FillDateAsync(DateOnly.FromDateTime(DateTime.Today.AddDays(45)), CultureInfo.GetCultureInfo("en-GB"));
        await rep.GetByTestId("dialog-submit").ClickAsync();
        await Expect(rep.GetByTestId("lead-stage")).ToHaveAttributeAsync("data-stage", "Sql");

        // The agency sees SQL, first touch and acceptance — no reason, no deal value: the link shares the Stage only.
        await agency.ReloadAsync();
        await agency.WaitUntilInteractiveAsync();
        await Expect(result).ToHaveAttributeAsync("data-stage", "Sql");
        await Expect(agency.GetByTestId("agency-handover-value")).ToHaveCountAsync(0);
        await Expect(agency.GetByTestId("agency-handover-reason")).ToHaveCountAsync(0);
        await Expect(agency.GetByTestId("scorecard-accepted")).ToContainTextAsync("1 of 1");
        await agency.ScreenshotAsync("agency-results");
        var listed = await agency.APIRequest.GetAsync($"/api/v1/agency/handovers?linkId={linkId}");
        Assert.True(listed.Ok, $"The handover list answered {listed.Status}");
        using var json = JsonDocument.Parse(await listed.TextAsync());
        var item = json.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("agencyLeadId").GetGuid() == replyId);
        Assert.Equal("Sql", item.GetProperty("clientStage").GetString());
        Assert.NotEqual(JsonValueKind.Null, item.GetProperty("firstTouchAt").ValueKind);
        Assert.Equal(
            ["acceptedAt", "agencyLeadId", "clientName", "clientStage", "firstTouchAt", "handedOverAt", "handoverId", "linkId", "status"],
            item.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        // And the client's lead itself is not the agency's to read.
        Assert.Equal(404, (await agency.APIRequest.GetAsync($"/api/v1/leads/{clientLeadId}")).Status);
    }

    [Fact]
    public async Task TheClientsAdmin_SeesTheActiveLinkInSettings_AndTheAgencysAdmin_SeesItsClient_AndCannotInviteItTwice()
    {
        await server.CreateAgencyReplyAsync("Alan", "Turing", "Bombe Works", "Interested, send me more.");
        var admin = await browser.SignInAsync(server, LeadgateServer.User(Roles.Admin).Email);
        await admin.GetByTestId("nav-agency-links").ClickAsync();
        await admin.ExpectAtAsync("/settings/agency");
        var link = admin.GetByTestId("client-agency-link").Filter(new() { Has = admin.Locator($"[data-agency='{AgencyDemo.Slug}']") });
        await Expect(link.GetByTestId("agency-link-status")).ToHaveTextAsync("Active");
        await Expect(link.GetByTestId("client-link-accept")).ToHaveTextAsync("Save terms");
        await admin.ScreenshotAsync("agency-links-settings");

        var agencyAdmin = await browser.SignInAsync(server, AgencyDemo.Users.Single(u => u.Role == Roles.Admin).Email);
        await agencyAdmin.GetByTestId("nav-agency-clients").ClickAsync();
        await agencyAdmin.ExpectAtAsync("/agency/clients");
        var row = agencyAdmin.Locator("[data-testid=agency-link][data-client=demo]");
        await Expect(row).ToHaveAttributeAsync("data-status", "Active");
        await Expect(row.GetByTestId("agency-link-shares")).ToHaveAttributeAsync("data-shares", "Stage");
        await agencyAdmin.Locator("[data-testid=agency-invite-client] input, input[data-testid=agency-invite-client]").FillAsync("demo");
        await agencyAdmin.GetByTestId("agency-invite-submit").ClickAsync();
        await Expect(agencyAdmin.GetByTestId("agency-invite")).ToContainTextAsync("pending or active link");
        await Expect(agencyAdmin.Locator("[data-testid=agency-link][data-client=demo]")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task AManagerMapsACampaignToAClient_TheQueueSaysItGoesAutomatically_AndTheRuleHandsItOver()
    {
        // A client of its own, so the demo client's scorecard in the other tests counts only their hand-overs.
        var campaign = $"Planning demo {Guid.NewGuid():N}"[..24];
        var (_, replyId) = await server.CreateAgencyReplyAsync("Joost", "Hartman", "Hartman Logistiek", "Interesting, send me the planning demo.", campaign);
        var clientLink = await server.CreateAgencyClientAsync("kroon", "Kroon Installaties");
        var manager = await browser.SignInAsync(server, AgencyDemo.Users.Single(u => u.Role == Roles.Manager).Email);
        await manager.ExpectAtAsync("/agency/results"); // its manager with the results per client

        try
        {
            await MapAndHandOverAsync(manager, campaign, replyId);
        }
        finally
        {
            // Ended whatever happened above, so the other tests' queues see the demo's clients only.
            await server.EndAgencyLinkAsync(clientLink);
        }
    }

    private async Task MapAndHandOverAsync(IPage manager, string campaign, Guid replyId)
    {
        // The clients page: the manager adds a rule for the campaign (its name in other case) to that client. The client is
        // chosen last: the add button is enabled only once the server has that choice, and so the texts typed before it.
        await manager.GotoAsync("/agency/clients");
        await manager.WaitUntilInteractiveAsync();
        var rules = manager.GetByTestId("agency-campaign-rules");
        await rules.Locator("[data-testid=agency-rule-campaign] input, input[data-testid=agency-rule-campaign]").FillAsync(campaign.ToUpperInvariant());
        await rules.Locator("[data-testid=agency-rule-note] input, input[data-testid=agency-rule-note]").FillAsync("Send the planning deck first.");
        await manager.GetByTestId("agency-rule-link").ChooseAsync("Kroon Installaties");
        await rules.GetByTestId("agency-rule-add").ClickAsync();
        var rule = rules.Locator($"[data-testid=agency-rule][data-campaign='{campaign.ToUpperInvariant()}']");
        await Expect(rule).ToContainTextAsync("Kroon Installaties");
        await Expect(rule).ToContainTextAsync("Send the planning deck first.");
        await manager.ScreenshotAsync("agency-clients-campaign-rule");

        // The queue says the reply goes by itself, to that client; one round of the rules hands it over.
        await manager.GotoAsync("/agency/queue");
        await manager.WaitUntilInteractiveAsync();
        var reply = manager.Locator($"[data-testid=agency-reply][data-lead='{replyId}']");
        await Expect(reply.GetByTestId("agency-reply-automatic")).ToContainTextAsync("Kroon Installaties");
        await manager.ScreenshotAsync("agency-queue-campaign-rule");
        Assert.True((await server.RunCampaignRulesAsync()).Delivered >= 1);
        await manager.ReloadAsync();
        await manager.WaitUntilInteractiveAsync();
        await Expect(reply).ToHaveCountAsync(0);

        // Removing the rule empties the list again.
        await manager.GotoAsync("/agency/clients");
        await manager.WaitUntilInteractiveAsync();
        await rule.GetByTestId("agency-rule-remove").ClickAsync();
        await Expect(rule).ToHaveCountAsync(0);
    }
}
