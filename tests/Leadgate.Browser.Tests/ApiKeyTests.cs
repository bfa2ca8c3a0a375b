using System.Net;
using System.Net.Http.Headers;
using Leadgate.Accounts;
using Leadgate.Browser.Tests.Infrastructure;

namespace Leadgate.Browser.Tests;

/// <summary>A personal API key: its secret is shown once, it works at once, and revoking it stops it at once.</summary>
public sealed class ApiKeyTests(LeadgateServer server, BrowserFixture browser)
{
    [Fact]
    public async Task ACreatedKey_ShowsItsSecretOnce_WorksOnTheApi_AndStopsWorkingWhenRevoked()
    {
        var page = await browser.SignInAsync(server, LeadgateServer.User(Roles.Admin).Email);
        await page.GetByTestId("nav-api-keys").ClickAsync();
        await page.ExpectAtAsync("/settings/api-keys");

        await page.Locator("[data-testid=api-key-name] input, input[data-testid=api-key-name]").FillAsync("Browser test sync");
        await page.GetByTestId("api-key-submit").ClickAsync();
        var secret = await page.GetByTestId("api-key-secret").TextContentAsync();
        Assert.StartsWith("lg_", secret, StringComparison.Ordinal);
        await page.ScreenshotAsync("api-key-created");
        await page.GetByTestId("api-key-secret-close").ClickAsync();
        await Expect(page.GetByTestId("api-key-secret")).ToHaveCountAsync(0);

        using var api = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        var row = page.Locator("tr", new() { HasText = "Browser test sync" });
        await Expect(row.GetByTestId("api-key-active")).ToBeVisibleAsync();
        await row.GetByTestId("api-key-revoke").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(row.GetByTestId("api-key-revoked")).ToBeVisibleAsync();
        await page.ScreenshotAsync("api-key-revoked");

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync(new Uri("/api/v1/me", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }
}
