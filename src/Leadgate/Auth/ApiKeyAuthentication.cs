using System.Security.Claims;
using System.Text.Encodings.Web;
using Leadgate.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Leadgate.Web.Auth;

/// <summary><c>Authorization: Bearer lg_…</c>: the key acts as its user, with that user's current roles.</summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AuthenticateApiKey authenticate)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var key = await authenticate.HandleAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.UserId.ToString()),
            new(LeadgateClaims.Organisation, key.OrganisationId.ToString()),
            new(LeadgateClaims.DisplayName, key.DisplayName),
            new(LeadgateClaims.ApiKey, key.KeyId.ToString()),
        };
        claims.AddRange(key.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return Api.Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "unauthorized", "Authentication required",
            "Send a valid API key as 'Authorization: Bearer <key>', or sign in.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Api.Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "forbidden", "Forbidden", "Your role may not do this.");
}
