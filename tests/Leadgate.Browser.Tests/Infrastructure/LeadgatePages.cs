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
        await Expect(page).ToHaveURLAsync(FirstPage(), new() { Timeout = 45_000 });
        await page.WaitUntilInteractiveAsync();
        return page;
    }

    /// <summary>
    /// Waits until the address is this path (any query after it; a <c>*</c> stands for one segment). Playwright's
    /// <c>WaitForURLAsync</c> reads the address once and then waits for a navigation event: a navigation that lands between
    /// the two (Blazor's, after a click, often does) is missed, and the test times out on a page that is already open. This
    /// reads the address until it matches.
    /// </summary>
    public static Task ExpectAtAsync(this IPage page, string path, float timeout = 45_000) =>
        Expect(page).ToHaveURLAsync(
            new Regex("^https?://[^/]+" + Regex.Escape(path).Replace(@"\*", "[^/?#]+", StringComparison.Ordinal) + "([?#].*)?$", RegexOptions.None, TimeSpan.FromSeconds(1)),
            new() { Timeout = timeout });

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
    // keeps its filters in the address (so it may add a query string as soon as it runs). An agency's users start with its
    // replies to hand over or its results per client.
    [GeneratedRegex(@"/(leads|inbox|dashboard|agency/queue|agency/results)(\?.*)?$")]
    private static partial Regex FirstPage();

    /// <summary>
    /// The values on a chart's vertical axis, bottom up, read back from its labels as <paramref name="culture"/> writes them
    /// (amounts in euros when <paramref name="money"/>); waits for the chart, which is drawn once the page knows its size.
    /// Checks that they are round, equal steps from 0, as few as <see cref="Web.Components.Shared.ChartAxes"/> allows.
    /// </summary>
    public static async Task<IReadOnlyList<decimal>> ChartAxisAsync(this ILocator chart, CultureInfo culture, bool money)
    {
        var labels = chart.Locator(".mud-charts-yaxis text");
        await Expect(labels.First).ToBeAttachedAsync();
        var format = (NumberFormatInfo)culture.NumberFormat.Clone();
        format.CurrencySymbol = "€";
        var values = (await labels.AllTextContentsAsync())
            .Select(l => decimal.Parse(l, money ? NumberStyles.Currency : NumberStyles.Number, format)).ToList();
        Assert.InRange(values.Count, 2, Web.Components.Shared.ChartAxes.MaxSteps + 1);
        Assert.Equal(0m, values[0]);
        var step = values[1];
        Assert.All(values.Select((v, i) => (v, i)), p => Assert.Equal(step * p.i, p.v));
        return values;
    }

    /// <summary>How many pixels an element's content sticks out sideways beyond what it shows (a table wider than its card).</summary>
    public static Task<double> OverflowAsync(this ILocator element) =>
        element.EvaluateAsync<double>("e => { const c = e.querySelector('.mud-table-container') ?? e; return c.scrollWidth - c.clientWidth; }");
}
