using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>Signing in and out through the real cookie flow.</summary>
public sealed partial class AccountTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task AWrongPassword_IsRefusedWithAClearMessage_AndSignsNobodyIn()
    {
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-GB" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByTestId("login-email").FillAsync(LeadgateServer.User(Roles.Sales).Email);
        await page.GetByTestId("login-password").FillAsync("not-the-password");
        await page.GetByTestId("login-submit").ClickAsync();

        await Expect(page.GetByTestId("login-error")).ToHaveTextAsync("The e-mail address or password is not correct.");
        await page.GotoAsync("/leads");
        await Expect(page).ToHaveURLAsync(LoginAskingFor("/leads"));
        await context.CloseAsync();
    }

    [Fact]
    public async Task SigningOut_EndsTheSession_AndAPageAskedForAfterwardsLeadsBackThereAfterSigningIn()
    {
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Marketing).Email);
        await Expect(page.GetByTestId("user-name")).ToHaveTextAsync(LeadgateServer.User(Roles.Marketing).DisplayName);
        await page.GetByTestId("sign-out").ClickAsync();
        await page.ExpectAtAsync("/account/login");

        await page.GotoAsync("/settings/api-keys");
        await Expect(page).ToHaveURLAsync(LoginAskingFor("/settings/api-keys"));
        await page.GetByTestId("login-email").FillAsync(LeadgateServer.User(Roles.Marketing).Email);
        await page.GetByTestId("login-password").FillAsync(Demo.DemoData.Password);
        await page.GetByTestId("login-submit").ClickAsync();
        await page.ExpectAtAsync("/settings/api-keys");
    }

    private static Regex LoginAskingFor(string path) => new($"/account/login\\?returnUrl={Regex.Escape(Uri.EscapeDataString(path))}", RegexOptions.IgnoreCase);
}
