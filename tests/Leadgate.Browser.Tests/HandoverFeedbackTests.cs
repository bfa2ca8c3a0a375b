using System.Globalization;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>Issue 4 in the browser: the bell, outbound webhooks, the SQL priority list and marketing's feedback.</summary>
public sealed class HandoverFeedbackTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task AnAssignedRep_SeesTheBellCount_AndOpensTheLeadFromTheNotification()
    {
        var id = await server.CreateMqlAsync("Bram", "Bellens", "Bell Logistics");
        await server.AssignToSalesAsync(id);

        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        await Expect(page.GetByTestId("notifications-badge").Locator(".mud-badge")).ToBeVisibleAsync();
        await page.Locator("[data-testid=notifications-bell] button, button[data-testid=notifications-bell]").First.ClickAsync();
        var item = page.GetByTestId("notification").Filter(new() { HasText = "Bram Bellens" });
        await Expect(item).ToContainTextAsync("was assigned to you");
        await page.ScreenshotAsync("notifications");
        await item.ClickAsync();
        await page.ExpectAtAsync($"/leads/{id}");
        await Expect(page.GetByTestId("lead-header")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AnAdmin_AddsAWebhook_AndSeesItsSigningSecretOnce()
    {
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Admin).Email);
        await page.GetByTestId("nav-webhooks").ClickAsync();
        await page.ExpectAtAsync("/settings/webhooks");

        await page.Locator("[data-testid=webhook-url] input, input[data-testid=webhook-url]").FillAsync("https://crm.example.com/leadgate");
        await page.GetByTestId("webhook-event-lead.mql").ClickAsync();
        await page.GetByTestId("webhook-submit").ClickAsync();
        var secret = await page.GetByTestId("webhook-secret").TextContentAsync();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        await page.GetByTestId("webhook-secret-close").ClickAsync();

        var row = page.GetByTestId("webhook-row").Filter(new() { HasText = "https://crm.example.com/leadgate" });
        await Expect(row).ToContainTextAsync("lead.mql");
        await Expect(row).ToContainTextAsync("lead.sql");
        await Expect(page.GetByText(secret!)).ToHaveCountAsync(0);
        await page.ScreenshotAsync("webhooks");
    }

    [Fact]
    public async Task SalesSeesWhoToWorkFirst_AndMarketingSeesTheSentBackMqlWithItsReason_InDutch()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var big = await server.CreateSqlAsync("Pieter", "Prioriteit", "Prio Groot", 250_000m, today.AddDays(10));
        var rejected = await server.CreateMqlAsync("Roos", "Retour", "Retour Retail");
        await server.RejectAsync(rejected, "NoBudget", "Budget pas volgend jaar");

        var sales = await browser.SignInAsync(server, LeadgateServer.User(Roles.Sales).Email);
        await sales.GetByTestId("nav-priority").ClickAsync();
        await sales.ExpectAtAsync("/sql-priority");
        var row = sales.GetByTestId("priority-row").Filter(new() { HasText = "Pieter Prioriteit" });
        await Expect(row.GetByTestId("priority-reason").First).ToContainTextAsync("BANT");
        await sales.ScreenshotAsync("sql-priority");
        Assert.NotEqual(Guid.Empty, big);

        var marketing = await browser.SignInAsync(server, LeadgateServer.User(Roles.Marketing).Email);
        await marketing.GetByTestId("nav-feedback").ClickAsync();
        await marketing.ExpectAtAsync("/feedback");
        await marketing.WaitUntilInteractiveAsync();
        await marketing.GetByTestId("language-NL").ClickAsync();
        await Expect(marketing.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await marketing.WaitUntilInteractiveAsync();
        var item = marketing.GetByTestId("feedback-item").Filter(new() { HasText = "Roos Retour" });
        await Expect(item.GetByTestId("feedback-note")).ToContainTextAsync("Budget pas volgend jaar");
        // Each source's rate names what it is of: sales' decisions on its MQLs, not all of them; and it matches the API's counts.
        var sources = marketing.GetByTestId("feedback-sources");
        await Expect(sources.Locator("th")).ToContainTextAsync(["Bron", "Campagne", "MQL's", "Nog open", "Teruggestuurd", "Afgekeurd", "Geaccepteerd, van de beslissingen van sales"]);
        var bySource = (await server.GetFeedbackAsync()).BySource;
        var rates = await sources.GetByTestId("feedback-source-rate").AllAsync();
        Assert.InRange(rates.Count, 1, 10);
        for (var i = 0; i < rates.Count; i++)
        {
            var source = bySource[i];
            var decided = source.Accepted + source.Rejected + source.Disqualified;
            var share = decided == 0 ? "–" : ((decimal)source.Accepted / decided).ToString("P0", CultureInfo.GetCultureInfo("nl-NL"));
            await Expect(rates[i]).ToHaveTextAsync($"{source.Accepted} van {decided} ({share})");
            await Expect(sources.GetByTestId("feedback-source-mqls").Nth(i)).ToHaveTextAsync(source.Mqls.ToString("N0", CultureInfo.GetCultureInfo("nl-NL")));
        }

        // The chart is the library's: a stacked bar per source (the most MQLs first), its parts what sales decided.
        var chart = marketing.GetByTestId("feedback-chart");
        var top = bySource.GroupBy(r => r.Source).OrderByDescending(g => g.Sum(r => r.Mqls)).ThenBy(g => g.Key, StringComparer.Ordinal).First();
        await Expect(chart.Locator(".mud-charts-xaxis text").First).ToHaveTextAsync(top.Key ?? "(geen bron)");
        await Expect(chart.Locator("path.mud-chart-bar")).Not.ToHaveCountAsync(0);
        // The sent-back MQLs come ten at a time, newest first.
        var items = marketing.GetByTestId("feedback-item");
        Assert.InRange(await items.CountAsync(), 1, 10);
        await Expect(marketing.GetByTestId("feedback-showing")).ToContainTextAsync("nieuwste eerst");
        if (await marketing.GetByTestId("feedback-pages").CountAsync() > 0)
        {
            var newest = await items.First.InnerTextAsync();
            await marketing.GetByTestId("feedback-pages").Locator("button[aria-label='Page 2']").ClickAsync();
            await Expect(marketing.GetByTestId("feedback-showing")).ToContainTextAsync("11–");
            await Expect(items.First).Not.ToHaveTextAsync(newest);
        }

        await marketing.ScreenshotAsync("feedback");
    }
}
