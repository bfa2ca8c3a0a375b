using System.ComponentModel.DataAnnotations;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Intake;

public sealed record CreateWebhookSourceRequest
{
    [Required]
    [MaxLength(WebhookSource.MaxNameLength)]
    public string? Name { get; set; }
}

public sealed record WebhookSourceView(Guid Id, string Name, string Key, string Path, DateTimeOffset CreatedAt)
{
    internal static WebhookSourceView Of(WebhookSource source) =>
        new(source.Id, source.Name, source.Key, "/hooks/outreach/" + source.Key, source.CreatedAt);
}

/// <summary>A new source and its secret, which is shown this once.</summary>
public sealed record IssuedWebhookSource(WebhookSourceView Source, string Secret);

/// <summary>The one place that turns a source's secret into ciphertext and back.</summary>
internal static class WebhookSecrets
{
    private const string Purpose = "Leadgate.Intake.WebhookSource.Secret.v1";

    public static IDataProtector Protector(IDataProtectionProvider provider) => provider.CreateProtector(Purpose);
}

/// <summary>An admin adds an outreach tool as a webhook source; the answer carries the signing secret once.</summary>
public sealed class CreateWebhookSource(LeadgateDbContext db, TimeProvider clock, IDataProtectionProvider dataProtection)
{
    public async Task<Result<IssuedWebhookSource>> HandleAsync(CreateWebhookSourceRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (WebhookSourceRules.Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > WebhookSource.MaxNameLength || name.Any(char.IsControl))
        {
            return Invalid.Field("name", $"A name of 1 to {WebhookSource.MaxNameLength} printable characters is required.");
        }

        var protector = WebhookSecrets.Protector(dataProtection);
        var (source, secret) = WebhookSource.Create(actor.OrganisationId, name, protector.Protect, clock.GetUtcNow());
        db.WebhookSources.Add(source);
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : new IssuedWebhookSource(WebhookSourceView.Of(source), secret);
    }
}

/// <summary>The organisation's webhook sources, without their secrets.</summary>
public sealed class ListWebhookSources(LeadgateDbContext db)
{
    public async Task<Result<IReadOnlyList<WebhookSourceView>>> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        if (WebhookSourceRules.Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        var sources = await db.WebhookSources.AsNoTracking()
            .Where(s => s.OrganisationId == actor.OrganisationId)
            .ToListAsync(cancellationToken);
        return sources.OrderBy(s => s.CreatedAt).Select(WebhookSourceView.Of).ToList();
    }
}

/// <summary>Deletes a source: its next webhook is refused as unknown. Events it delivered stay.</summary>
public sealed class DeleteWebhookSource(LeadgateDbContext db)
{
    public async Task<Result<Done>> HandleAsync(Guid id, Actor actor, CancellationToken cancellationToken)
    {
        // Not found comes before the role check, so another organisation learns nothing about the id.
        var source = await db.WebhookSources.FirstOrDefaultAsync(s => s.Id == id && s.OrganisationId == actor.OrganisationId, cancellationToken);
        if (source is null)
        {
            return new NotFound("Webhook source", id);
        }

        if (WebhookSourceRules.Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        db.WebhookSources.Remove(source);
        return await db.SaveAsync(null, cancellationToken);
    }
}

internal static class WebhookSourceRules
{
    public static Forbidden? Refuse(Actor actor) =>
        actor.IsIn(Roles.Admin) ? null : new Forbidden("Only an admin manages webhook sources.");
}
