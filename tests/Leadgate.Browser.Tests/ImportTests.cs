using System.Text;
using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>Marketing imports a HubSpot export on the import page: sees the format and mapping, watches it finish, reads the row report, finds the leads.</summary>
public sealed partial class ImportTests(LeadgateServer server, BrowserFixture browser)
{
    private const string HubSpotHeader = "First Name,Last Name,Email,Job Title,Company Name,Website URL,Number of Employees,Country/Region\r\n";

    [Fact]
    public async Task AMarketerUploadsAHubSpotExportWithABadRow_WatchesItFinish_ReadsTheRowReport_AndFindsTheLeads()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var csv = HubSpotHeader
            + $"Hedy,Lamarr,hedy.{run}@frequency-hopping.example.com,Inventor,Frequency Hopping {run},https://frequency-hopping.example.com/,40,United States\r\n"
            + "Broken,Row,not-an-address,CTO,Nowhere,,,\r\n"
            + $"Radia,Perlman,radia.{run}@spanning-tree.example.com,Network Engineer,Spanning Tree {run},,\"1,200\",Netherlands\r\n";
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Marketing).Email);

        await page.GetByTestId("nav-imports").ClickAsync();
        await page.ExpectAtAsync("/imports");
        await page.WaitUntilInteractiveAsync();
        await page.GetByTestId("import-file").UploadAsync(new FilePayload { Name = $"hubspot-{run}.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });

        await Expect(page.GetByTestId("import-format")).ToHaveAttributeAsync("data-format", "HubSpot");
        await Expect(page.GetByTestId("import-format")).ToHaveTextAsync("HubSpot contacts export");
        await Expect(page.Locator("[data-testid=mapping-row][data-column='Email']")).ToHaveAttributeAsync("data-field", "Email");
        await Expect(page.Locator("[data-testid=mapping-row][data-column='Job Title']")).ToHaveAttributeAsync("data-field", "JobTitle");
        await Expect(page.Locator("[data-testid=mapping-row][data-column='Number of Employees']")).ToHaveAttributeAsync("data-field", "Employees");
        await page.ScreenshotAsync("import-mapping");

        var details = await StartAndOpenAsync(page, $"hubspot-{run}.csv");
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
        var csv = $"Mail;Naam;Firma\r\nada.{run}@engines.example.com;Ada;Engines {run}\r\n";
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Marketing).Email);
        await page.GotoAsync("/imports");
        await page.WaitUntilInteractiveAsync();

        await page.GetByTestId("import-file").UploadAsync(new FilePayload { Name = $"eigen-{run}.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Expect(page.GetByTestId("import-format")).ToHaveAttributeAsync("data-format", "Unknown");
        await Expect(page.GetByTestId("mapping-problem")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("start-import")).ToBeDisabledAsync();

        await page.Locator("[data-testid=mapping-row][data-column='Mail']").ChooseAsync("E-mail address");
        await page.Locator("[data-testid=mapping-row][data-column='Firma']").ChooseAsync("Company name");
        await Expect(page.GetByTestId("import-format")).ToHaveAttributeAsync("data-format", "Custom");
        await Expect(page.GetByTestId("mapping-problem")).ToHaveCountAsync(0);
        await page.GetByTestId("mode-all-or-nothing").ClickAsync();
        var details = await StartAndOpenAsync(page, $"eigen-{run}.csv");
        await Expect(details.GetByTestId("count-created")).ToHaveAttributeAsync("data-count", "1");
    }

    [Fact]
    public async Task InDutch_TheRowReportGivesItsReasonsInDutch_WithDutchNumbers_WhileTheDownloadStaysEnglish()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var csv = HubSpotHeader
            + $"Grace,Hopper,grace.{run}@compilers.example.com,Rear Admiral,Compilers {run},,20000000,United States\r\n"
            + "Broken,Row,not-an-address,CTO,Nowhere,,,\r\n"
            + $"Barbara,Liskov,barbara.{run}@substitution.example.com,Professor,Substitution {run},,120,United States\r\n";
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Marketing).Email);
        await page.GotoAsync("/imports");
        await page.WaitUntilInteractiveAsync();
        await page.GetByTestId("language-NL").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "nl");
        await page.WaitUntilInteractiveAsync();

        await page.GetByTestId("import-file").UploadAsync(new FilePayload { Name = $"hubspot-nl-{run}.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Expect(page.GetByTestId("import-format")).ToHaveAttributeAsync("data-format", "HubSpot");
        var details = await StartAndOpenAsync(page, $"hubspot-nl-{run}.csv");
        await Expect(details.GetByTestId("count-created")).ToHaveAttributeAsync("data-count", "1");
        var lines = details.GetByTestId("report-line");
        await Expect(lines).ToHaveCountAsync(2);
        await Expect(lines.Nth(0)).ToHaveAttributeAsync("data-line", "2");
        await Expect(lines.Nth(0).GetByTestId("report-reason")).ToHaveAttributeAsync("data-code", "number.outOfRange");
        await Expect(lines.Nth(0).GetByTestId("report-reason")).ToHaveTextAsync("Tussen 0 en 10.000.000.");
        await Expect(lines.Nth(1)).ToHaveAttributeAsync("data-line", "3");
        await Expect(lines.Nth(1).GetByTestId("report-reason")).ToHaveTextAsync("Dit is geen geldig e-mailadres.");
        await page.ScreenshotAsync("import-report-dutch");

        var report = await page.APIRequest.GetAsync((await details.GetByTestId("download-report").GetAttributeAsync("href"))!);
        Assert.Equal(
            "line,column,reason\n2,\"Number of Employees\",\"Between 0 and 10,000,000.\"\n3,\"Email\",\"This is not a valid e-mail address.\"\n",
            (await report.TextAsync()).Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    /// <summary>Starts the uploaded file's import, waits until it completed, and opens its counts and row report.</summary>
    private static async Task<ILocator> StartAndOpenAsync(IPage page, string fileName)
    {
        await page.GetByTestId("start-import").ClickAsync();
        var row = page.GetByTestId("import-row").Filter(new() { HasText = fileName });
        await Expect(row).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 30_000 });
        await row.ClickAsync();
        return page.GetByTestId("import-details");
    }

    [GeneratedRegex(@"^/api/v1/imports/[0-9a-f-]{36}/report\.csv$")]
    private static partial Regex ReportAddress();
}
