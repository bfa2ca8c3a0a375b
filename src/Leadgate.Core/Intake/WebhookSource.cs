using System.Security.Cryptography;
using Leadgate.Common;

namespace Leadgate.Intake;

/// <summary>
/// An outreach tool allowed to post webhooks into one organisation. The public <see cref="Key"/> in the URL finds it;
/// the secret proves a request came from it. The secret must be usable for HMAC, so it cannot be hashed: it is kept
/// encrypted with ASP.NET Core Data Protection (decision 0006) and shown in plain text once, when made.
/// </summary>
public sealed class WebhookSource
{
    public const int MaxNameLength = 100;
    public const string SecretPrefix = "whsec_";

    private WebhookSource()
    {
        Name = null!;
        Key = null!;
        ProtectedSecret = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public string Name { get; private set; }

    /// <summary>Which tool's payloads the source reads; <see cref="Outreach.OutreachTool.Generic"/> is Leadgate's own signed format.</summary>
    public Outreach.OutreachTool Tool { get; private set; }

    /// <summary>Public: it appears in the webhook URL, <c>/hooks/outreach/{key}</c> or <c>/hooks/{tool}/{key}</c>.</summary>
    public string Key { get; private set; }

    /// <summary>The secret as Data Protection's ciphertext; never the secret itself.</summary>
    public string ProtectedSecret { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    internal static (WebhookSource Source, string Secret) Create(Guid organisationId, string name, Outreach.OutreachTool tool, Func<string, string> protect, DateTimeOffset at)
    {
        var secret = WebhookSignature.NewSecret();
        var source = new WebhookSource
        {
            Id = Ids.New(at),
            OrganisationId = organisationId,
            Name = name,
            Tool = tool,
            Key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)),
            ProtectedSecret = protect(secret),
            CreatedAt = at,
        };
        return (source, secret);
    }

    /// <summary>A new secret under the same key: the old one stops working at once.</summary>
    internal string Rotate(Func<string, string> protect)
    {
        var secret = WebhookSignature.NewSecret();
        ProtectedSecret = protect(secret);
        return secret;
    }
}
