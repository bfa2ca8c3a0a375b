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

    /// <summary>
    /// Whose payloads the source reads: <c>generic</c> (the default: Leadgate's signed format at <c>/hooks/outreach/{key}</c>),
    /// or <c>lemlist</c>, <c>instantly</c>, <c>smartlead</c>, <c>woodpecker</c>, <c>replyio</c>, <c>outreach</c>
    /// (that tool's own format at <c>/hooks/{tool}/{key}</c>; one source per tool and organisation).
    /// </summary>
    [MaxLength(20)]
    [AllowedValues("generic", "lemlist", "instantly", "smartlead", "woodpecker", "replyio", "outreach", null)]
    public string? Tool { get; set; }
}

/// <param name="Tool">The tool's name as in the path (<c>lemlist</c>, …), or <c>generic</c>.</param>
/// <param name="Path">Where the tool posts.</param>
public sealed record WebhookSourceView(Guid Id, string Name, string Tool, string Key, string Path, DateTimeOffset CreatedAt)
{
    internal static WebhookSourceView Of(WebhookSource source) =>
        new(source.Id, source.Name, NameOf(source.Tool), source.Key, Outreach.ToolAdapter.PathOf(source.Tool, source.Key), source.CreatedAt);

    internal static string NameOf(Outreach.OutreachTool tool) => Outreach.ToolAdapter.For(tool)?.PathName ?? "generic";
}

/// <summary>A new source, or a rotated one, and its secret, which is shown this once.</summary>
/// <param name="PathWithToken">For a tool that does not sign its requests: the path with the secret in it (<c>/hooks/{tool}/{key}.{secret}</c>), to paste as the tool's webhook URL; keep it as secret as the secret. Null for <c>generic</c> and <c>outreach</c>, which sign.</param>
public sealed record IssuedWebhookSource(WebhookSourceView Source, string Secret, string? PathWithToken);

/// <summary>The one place that turns a source's secret into ciphertext and back.</summary>
internal static class WebhookSecrets
{
    private const string Purpose = "Leadgate.Intake.WebhookSource.Secret.v1";

    public static IDataProtector Protector(IDataProtectionProvider provider) => provider.CreateProtector(Purpose);

    public static IssuedWebhookSource Issued(WebhookSource source, string secret)
    {
        var view = WebhookSourceView.Of(source);
        var signs = source.Tool == Outreach.OutreachTool.Generic || Outreach.ToolAdapter.For(source.Tool)?.SignatureHeader is not null;
        return new IssuedWebhookSource(view, secret, signs ? null : $"{view.Path}.{secret}");
    }
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

        var toolName = string.IsNullOrWhiteSpace(request.Tool) ? "generic" : request.Tool.Trim();
        Outreach.OutreachTool tool;
        if (toolName.Equals("generic", StringComparison.OrdinalIgnoreCase))
        {
            tool = Outreach.OutreachTool.Generic;
        }
        else if (Outreach.ToolAdapter.ForPath(toolName) is { } adapter)
        {
            tool = adapter.Tool;
        }
        else
        {
            return Invalid.Field("tool", "One of generic, " + string.Join(", ", Outreach.ToolAdapter.All.Select(a => a.PathName)) + ".");
        }

        if (tool != Outreach.OutreachTool.Generic
            && await db.WebhookSources.AnyAsync(s => s.OrganisationId == actor.OrganisationId && s.Tool == tool, cancellationToken))
        {
            return new Conflict("webhook-source-exists", $"The organisation already has a {toolName.ToLowerInvariant()} source; rotate its secret instead.");
        }

        var protector = WebhookSecrets.Protector(dataProtection);
        var now = clock.GetUtcNow();
        var (source, secret) = WebhookSource.Create(actor.OrganisationId, name, tool, protector.Protect, now);
        db.WebhookSources.Add(source);
        db.AuditEntries.Add(Privacy.AuditEntry.Record(actor, "webhooksource.created", "WebhookSource", source.Id, ["name", "tool", "secret"], now));
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : WebhookSecrets.Issued(source, secret);
    }
}

/// <summary>An admin gives a source a new secret under the same key and URL; the old secret is refused from then on.</summary>
public sealed class RotateWebhookSource(LeadgateDbContext db, IDataProtectionProvider dataProtection, TimeProvider clock)
{
    public async Task<Result<IssuedWebhookSource>> HandleAsync(Guid id, Actor actor, CancellationToken cancellationToken)
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

        var secret = source.Rotate(WebhookSecrets.Protector(dataProtection).Protect);
        db.AuditEntries.Add(Privacy.AuditEntry.Record(actor, "webhooksource.rotated", "WebhookSource", source.Id, ["secret"], clock.GetUtcNow()));
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : WebhookSecrets.Issued(source, secret);
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
public sealed class DeleteWebhookSource(LeadgateDbContext db, TimeProvider clock)
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
        db.AuditEntries.Add(Privacy.AuditEntry.Record(actor, "webhooksource.deleted", "WebhookSource", source.Id, null, clock.GetUtcNow()));
        return await db.SaveAsync(null, cancellationToken);
    }
}

internal static class WebhookSourceRules
{
    public static Forbidden? Refuse(Actor actor) =>
        actor.IsIn(Roles.Admin) ? null : new Forbidden("Only an admin manages webhook sources.");
}
