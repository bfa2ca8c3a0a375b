using System.Text.Json;
using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>Issue 19: the admin's privacy page, a person's export downloaded, their erasure, and both in the audit log.</summary>
public sealed class PrivacyTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task AnAdmin_DownloadsAPersonsExport_ErasesThem_AndFindsBothInTheAuditLog()
    {
        var leadId = await server.CreateMqlAsync("Ottoline", "Quibblesworth", "Erasure Works");
        var email = (await server.GetLeadAsync(leadId)).Email;
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Admin).Email);
        await page.OpenLeadAsync(leadId);
        await Expect(page.GetByTestId("lead-lawful-basis")).ToHaveAttributeAsync("data-basis", "LegitimateInterest");
        await page.GetByTestId("nav-privacy").ClickAsync();
        await page.ExpectAtAsync("/settings/privacy");
        await page.WaitUntilInteractiveAsync();
        await page.ScreenshotAsync("privacy-page");

        await Field(page, "privacy-export-email").FillAsync(email);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("privacy-export-submit").ClickAsync());
        var file = await download.PathAsync();
        using (var export = JsonDocument.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)))
        {
            Assert.Contains(leadId.ToString(), export.RootElement.GetRawText(), StringComparison.Ordinal);
            Assert.Contains("Quibblesworth", export.RootElement.GetRawText(), StringComparison.Ordinal);
        }

        await Field(page, "privacy-erase-email").FillAsync(email);
        await Field(page, "privacy-erase-reason").FillAsync("Asked by e-mail");
        await page.GetByTestId("privacy-erase-submit").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Erase" }).ClickAsync();
        await Expect(page.GetByTestId("privacy-erased")).ToContainTextAsync("1 lead(s) anonymised");
        await page.ScreenshotAsync("privacy-erased");

        // The log, newest first: the erasure, and before it the export, each by the admin.
        var actions = page.GetByTestId("audit-action");
        await Expect(actions.First).ToHaveTextAsync("person.erased");
        await Expect(actions.Nth(1)).ToHaveTextAsync("person.exported");
        // "Who" reads as the admin's name, not an id.
        await Expect(page.GetByTestId("audit-who").First).ToContainTextAsync(LeadgateServer.User(Roles.Admin).DisplayName);

        // Filtered to the lead: only what was done to it (its hand-over to sales), none of the person's entries.
        await Field(page, "audit-entity-id").FillAsync(leadId.ToString());
        await page.GetByTestId("audit-search").ClickAsync();
        await Expect(actions.First).ToHaveTextAsync(new Regex("^lead\\."));
        Assert.All(await actions.AllTextContentsAsync(), action => Assert.StartsWith("lead.", action, StringComparison.Ordinal));

        var erased = await server.GetLeadAsync(leadId);
        Assert.Null(erased.LastName);
        Assert.DoesNotContain("ottoline", erased.Email, StringComparison.OrdinalIgnoreCase);
    }

    private static ILocator Field(IPage page, string testId) => page.Locator($"[data-testid={testId}] input, input[data-testid={testId}]");
}
