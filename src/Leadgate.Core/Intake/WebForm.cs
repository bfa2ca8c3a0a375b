using System.Security.Cryptography;
using System.Text;
using Leadgate.Common;

namespace Leadgate.Intake;

/// <summary>
/// A public web form of one organisation: its key goes in the form's action URL (<c>/forms/{key}</c>). The consent text
/// is fixed for the life of the form, and its <see cref="ConsentVersion"/> (a digest of the text) is what the page
/// sends back, so a consent record always names the exact words the person agreed to.
/// </summary>
public sealed class WebForm
{
    public const int MaxNameLength = 100;
    public const int MaxConsentTextLength = 4_000;
    public const int MaxRedirectLength = 2_000;

    private WebForm()
    {
        Name = null!;
        Key = null!;
        ConsentText = null!;
        ConsentVersion = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public string Name { get; private set; }

    public string Key { get; private set; }

    public string ConsentText { get; private set; }

    public string ConsentVersion { get; private set; }

    /// <summary>Where a browser goes after a successful submit; only http or https.</summary>
    public string? RedirectUrl { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    internal static WebForm Create(Guid organisationId, string name, string consentText, string? redirectUrl, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = organisationId,
        Name = name,
        Key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)),
        ConsentText = consentText,
        ConsentVersion = VersionOf(consentText),
        RedirectUrl = redirectUrl,
        CreatedAt = at,
    };

    public static string VersionOf(string consentText) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(consentText)))[..12];
}
