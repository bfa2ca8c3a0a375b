using System.Text;
using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>Marketing imports a HubSpot export on the import page: sees the format and mapping, watches it finish, reads the row report, finds the leads.</summary>
public sealed partial class ImportTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task AMarketerUploadsAHubSpotExportWithABadRow_WatchesItFinish_ReadsTheRowReport_AndFindsTheLeads()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var csv = "First Name,Last Name,Email,Job Title,Company Name,Website URL,Number of Employees,Country/Region\r\n"
            + $"Hedy,Lamarr,hedy.{run}@frequency-hopping.example.com,Inventor,Frequency Hopping {run},https://frequency-hopping.example.com/,40,United States\r\n"
            + "Broken,Row,not-an-address,CTO,Nowhere,,,\r\n"
            + $"Radia,Perlman,radia.{run}@spanning-tree.example.com,Network Engineer,Spanning Tree {run},,\"1,200\",Netherlands\r\n";
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Marketing).Email);

        await page.GetByTestId("nav-imports").ClickAsync();
        await page.WaitForURLAsync("**/imports");
        await page.WaitUntilInteractiveAsync();
        await page.GetByTestId("import-file").UploadAsync(new FilePayload { Name = $"hubspot-{run}.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });

        await Expect(page.GetByTestId("import-format")).ToHaveAttributeAsync("data-format", "HubSpot");
        await Expect(page.GetByTestId("import-format")).ToHaveTextAsync("HubSpot contacts export");
        await Expect(page.Locator("[data-testid=mapping-row][data-column='Email']")).ToHaveAttributeAsync("data-field", "Email");
        await Expect(page.Locator("[data-testid=mapping-row][data-column='Job Title']")).ToHaveAttributeAsync("data-field", "JobTitle");
        await Expect(page.Locator("[data-testid=mapping-row][data-column='Number of Employees']")).ToHaveAttributeAsync("data-field", "Employees");
        await page.ScreenshotAsync("import-mapping");

        await page.GetByTestId("start-import").ClickAsync();
        var row = page.GetByTestId("import-row").Filter(new() { HasText = $"hubspot-{run}.csv" });
        await Expect(row).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 30_000 });
        await row.ClickAsync();

        var details = page.GetByTestId("import-details");
        await Expect(details.GetByTestId("count-created")).ToHaveAttributeAsync("data-count", "2");
        await Expect(details.GetByTestId("count-bad")).ToHaveAttributeAsync("data-count", "1");
        await Expect(details.GetByTestId("count-updated")).ToHaveAttributeAsync("data-count", "0");
        var bad = details.GetByTestId("report-line");
        await Expect(bad).ToHaveCountAsync(1);
        await Expect(bad).ToHaveAttributeAsync("data-line", "3");
        await Expect(bad).ToContainTextAsync("Email");
        await Expect(bad).ToContainTextAsync("This is not a valid e-mail address.");
        await page.ScreenshotAsync("import-report");

        var download = await details.GetByTestId("download-report").GetAttributeAsync("href");
        Assert.Matches(ReportAddress(), download);
        var report = await page.APIRequest.GetAsync(download!);
        Assert.Equal(200, report.Status);
        Assert.StartsWith("text/csv", report.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal("line,column,reason\n3,\"Email\",\"This is not a valid e-mail address.\"\n", (await report.TextAsync()).Replace("\r\n", "\n", StringComparison.Ordinal));

        await page.GotoAsync($"/leads?q={run}");
        await page.WaitUntilInteractiveAsync();
        var links = page.GetByTestId("leads-grid").GetByTestId("lead-link");
        await Expect(links).ToHaveCountAsync(2, new() { Timeout = 10_000 });
        await Expect(links.Filter(new() { HasText = "Hedy Lamarr" })).ToBeVisibleAsync();
        await Expect(links.Filter(new() { HasText = "Radia Perlman" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task AFileWithOtherColumns_IsMappedByHand_ColumnByColumn()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var csv = $"E-mailadres;Naam;Bedrijf\r\nada.{run}@engines.example.com;Ada;Engines {run}\r\n";
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Marketing).Email);
        await page.GotoAsync("/imports");
        await page.WaitUntilInteractiveAsync();

        await page.GetByTestId("import-file").UploadAsync(new FilePayload { Name = $"eigen-{run}.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Expect(page.GetByTestId("import-format")).ToHaveAttributeAsync("data-format", "Unknown");
        await Expect(page.GetByTestId("mapping-problem")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("start-import")).ToBeDisabledAsync();

        await page.Locator("[data-testid=mapping-row][data-column='E-mailadres']").ChooseAsync("E-mail address");
        await page.Locator("[data-testid=mapping-row][data-column='Bedrijf']").ChooseAsync("Company name");
        await Expect(page.GetByTestId("import-format")).ToHaveAttributeAsync("data-format", "Custom");
        await Expect(page.GetByTestId("mapping-problem")).ToHaveCountAsync(0);
        await page.GetByTestId("mode-all-or-nothing").ClickAsync();
        await page.GetByTestId("start-import").ClickAsync();

        var row = page.GetByTestId("import-row").Filter(new() { HasText = $"eigen-{run}.csv" });
        await Expect(row).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 30_000 });
        await row.ClickAsync();
        await Expect(page.GetByTestId("import-details").GetByTestId("count-created")).ToHaveAttributeAsync("data-count", "1");
    }

    [GeneratedRegex(@"^/api/v1/imports/[0-9a-f-]{36}/report\.csv$")]
    private static partial Regex ReportAddress();
}
