using Leadgate.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Leadgate.Web.Auth;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", Logout).ExcludeFromDescription();
        app.MapGet("/culture/{culture}", SetCulture).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Logout(SignInManager<User> signIn, [FromForm] string? returnUrl)
    {
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("/account/login");
    }

    /// <summary>Remembers the chosen language in the culture cookie and goes back to the page the user was on.</summary>
    private static IResult SetCulture(string culture, string? redirectUri, HttpContext http)
    {
        if (!Cultures.Supported.Contains(culture, StringComparer.OrdinalIgnoreCase))
        {
            return TypedResults.BadRequest();
        }

        http.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax });
        var target = string.IsNullOrEmpty(redirectUri) || !redirectUri.StartsWith('/') || redirectUri.StartsWith("//", StringComparison.Ordinal) ? "/" : redirectUri;
        return TypedResults.LocalRedirect(target);
    }
}
