using System.Text.Json;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Notifications;

/// <summary>One in-app notification: what happened to which lead, and whether the user has read it.</summary>
public sealed record NotificationView(Guid Id, HappeningKind Kind, Guid LeadId, string Lead, string? Company, DateTimeOffset At, DateTimeOffset? DueAt, bool Read);

public sealed record NotificationList(IReadOnlyList<NotificationView> Items, int Unread);

/// <summary>The caller's in-app notifications, newest first, with how many are unread (the bell's count).</summary>
public sealed class ListNotifications(LeadgateDbContext db)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public async Task<NotificationList> HandleAsync(Actor actor, bool unreadOnly, int limit, CancellationToken cancellationToken)
    {
        var mine = db.Happenings.AsNoTracking().Where(h => h.OrganisationId == actor.OrganisationId && h.RecipientUserId == actor.UserId && actor.UserId != null);
        var unread = await mine.CountAsync(h => h.ReadAt == null, cancellationToken);
        var rows = await (
                from h in unreadOnly ? mine.Where(h => h.ReadAt == null) : mine
                join lead in db.Leads on h.LeadId equals lead.Id
                orderby h.Id descending
                select new { h.Id, h.Kind, h.LeadId, lead.Contact.FirstName, lead.Contact.LastName, lead.Contact.Email, Company = lead.Company!.Name, h.At, h.Payload, h.ReadAt })
            .Take(Math.Clamp(limit, 1, MaxLimit))
            .ToListAsync(cancellationToken);
        var items = rows.Select(r => new NotificationView(
            r.Id, r.Kind, r.LeadId, Contact.NameOf(r.FirstName, r.LastName, r.Email), r.Company, r.At,
            JsonSerializer.Deserialize<HappeningData>(r.Payload, HappeningData.Json)?.DueAt, r.ReadAt != null)).ToList();
        return new NotificationList(items, unread);
    }

    /// <summary>Just the unread count, for the bell.</summary>
    public async Task<int> UnreadAsync(Actor actor, CancellationToken cancellationToken) =>
        await db.Happenings.AsNoTracking()
            .CountAsync(h => h.OrganisationId == actor.OrganisationId && h.RecipientUserId == actor.UserId && actor.UserId != null && h.ReadAt == null, cancellationToken);
}

/// <summary>Marks one of the caller's notifications read, or all of them (no id). Reading again changes nothing.</summary>
public sealed class MarkNotificationsRead(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<int>> HandleAsync(Guid? id, Actor actor, CancellationToken cancellationToken)
    {
        var mine = db.Happenings.Where(h => h.OrganisationId == actor.OrganisationId && h.RecipientUserId == actor.UserId && actor.UserId != null);
        if (id is { } one && !await mine.AnyAsync(h => h.Id == one, cancellationToken))
        {
            return new NotFound("Notification", one);
        }

        var now = clock.GetUtcNow();
        return await mine.Where(h => h.ReadAt == null && (id == null || h.Id == id))
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.ReadAt, now), cancellationToken);
    }
}
