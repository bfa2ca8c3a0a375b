using Leadgate.Accounts;
using Leadgate.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace Leadgate.Web.Auth;

public static class AuthServices
{
    public const string Smart = "Leadgate";

    /// <summary>
    /// Cookie sign-in (Identity) for people in the browser, API keys for scripts. One policy scheme picks the key when
    /// an Authorization header is present, so every endpoint accepts both.
    /// </summary>
    public static IServiceCollection AddLeadgateAuth(this IServiceCollection services)
    {
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = Smart;
                options.DefaultChallengeScheme = Smart;
            })
            .AddPolicyScheme(Smart, "Cookie or API key", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? ApiKeyAuthentication.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddIdentityCookies();

        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/account/login";
            cookie.AccessDeniedPath = "/account/login";
            cookie.Cookie.Name = "leadgate.auth";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.Events.OnRedirectToLogin = context => ApiAware(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => ApiAware(context, StatusCodes.Status403Forbidden);
        });

        services.AddIdentityCore<User>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 8;
                options.Lockout.MaxFailedAccessAttempts = 10;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<LeadgateDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<LeadgateClaimsFactory>()
            .AddDefaultTokenProviders();

        services.AddAuthorizationBuilder()
            .AddPolicy(Member, policy => policy.RequireAuthenticatedUser().RequireClaim(LeadgateClaims.Organisation));
        return services;
    }

    /// <summary>Signed in and a member of an organisation: what every API endpoint and page requires.</summary>
    public const string Member = "Member";

    // The API answers 401/403 as problem details instead of redirecting a script to the login page.
    private static Task ApiAware(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            return Api.Problems.WriteAsync(context.HttpContext, status,
                status == StatusCodes.Status401Unauthorized ? "unauthorized" : "forbidden",
                status == StatusCodes.Status401Unauthorized ? "Authentication required" : "Forbidden",
                status == StatusCodes.Status401Unauthorized ? "Sign in or send 'Authorization: Bearer <key>'." : "Your role may not do this.");
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
