using System.Globalization;
using System.Text.RegularExpressions;

namespace Leadgate.Browser.Tests.Infrastructure;

/// <summary>What a person does in Leadgate's UI, in the words of the UI: sign in, open a lead, wait until it responds.</summary>
public static partial class LeadgatePages
{
    /// <summary>A fresh browser (cookies, language) signed in through the real sign-in page as the given demo user.</summary>
    public static async Task<IPage> SignInAsync(this BrowserFixture browser, LeadgateServer server, string email)
    {
        var context = await browser.Browser.NewContextAsync(new()
        {
            BaseURL = server.BaseUrl,
            Locale = "en-GB",
            TimezoneId = "Europe/Amsterdam",
            ViewportSize = new() { Width = 1440, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        // Generous: the first page of a cold server on a 2-core CI machine compiles a lot.
        page.SetDefaultTimeout(45_000);
        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(Demo.DemoData.Password);
        await page.GetByTestId("login-submit").ClickAsync();
        // The redirect is enough; the interactive marker below is what makes clicks safe (the load event adds nothing).
        await page.WaitForURLAsync(FirstPage(), new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitUntilInteractiveAsync();
        return page;
    }

    public static async Task OpenLeadAsync(this IPage page, Guid id)
    {
        await page.GotoAsync($"/leads/{id}");
        await page.WaitUntilInteractiveAsync();
        await Expect(page.GetByTestId("lead-header")).ToBeVisibleAsync();
    }

    /// <summary>Waits for the element the layout renders only once the circuit runs, so clicks reach their handlers.</summary>
    public static Task WaitUntilInteractiveAsync(this IPage page) =>
        page.GetByTestId("interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });

    /// <summary>Types a date the way the current culture writes it into a date field, and leaves the field so it is taken.</summary>
    public static async Task FillDateAsync(this ILocator field, DateOnly date, CultureInfo culture)
    {
        var input = field.Locator("input");
        await input.FillAsync(date.ToString(culture.DateTimeFormat.ShortDatePattern, culture));
        await input.BlurAsync();
    }

    /// <summary>Opens a select and picks the option with this text from its list.</summary>
    public static async Task ChooseAsync(this ILocator select, string option)
    {
        await select.Locator("[role=combobox]").ClickAsync();
        await select.Page.Locator(".mud-popover-open .mud-list-item", new() { HasText = option }).ClickAsync();
    }

    /// <summary>
    /// Gives a Blazor file input a file, once Blazor has wired the input (its JavaScript sets a counter on the element):
    /// files set before that are never sent to the server.
    /// </summary>
    public static async Task UploadAsync(this ILocator input, FilePayload file)
    {
        await input.Page.WaitForFunctionAsync(
            "element => element !== null && element._blazorInputFileNextFileId !== undefined", await input.ElementHandleAsync(), new() { Timeout = 30_000 });
        await input.SetInputFilesAsync(file);
    }

    /// <summary>When LEADGATE_SCREENSHOTS names a folder, keeps a full-page picture there (for looking at the UI, not asserting).</summary>
    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("LEADGATE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
        }
    }

    // A sales rep starts in the inbox; managers, admins and marketing on the dashboard; anyone else in the leads list, which
    // keeps its filters in the address (so it may add a query string as soon as it runs).
    [GeneratedRegex(@"/(leads|inbox|dashboard)(\?.*)?$")]
    private static partial Regex FirstPage();
}
