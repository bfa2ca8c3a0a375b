using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Privacy;

public sealed record AuditQuery
{
    public const int MaxLimit = 500;

    public string? Entity { get; init; }

    public Guid? EntityId { get; init; }

    /// <summary>The user's or API key's id, or a rule's name, as the entries name it.</summary>
    public string? Actor { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    public string? Cursor { get; init; }

    public int Limit { get; init; } = 50;
}

public sealed record AuditEntryView(
    Guid Id, DateTimeOffset At, AuditActorKind ActorKind, string? ActorId, string Action, string Entity, Guid? EntityId, IReadOnlyList<string> Fields, string? Reason);

public sealed record AuditPage(IReadOnlyList<AuditEntryView> Items, string? NextCursor);

/// <summary>The audit log, newest first, filtered, a page at a time with a keyset cursor as the lead list has. Admin only.</summary>
public sealed class ListAudit(LeadgateDbContext db)
{
    public async Task<Result<AuditPage>> HandleAsync(AuditQuery request, Actor actor, CancellationToken cancellationToken)
    {
        if (!Admin.May(actor))
        {
            return new Forbidden("Only an admin reads the audit log.");
        }

        var query = db.AuditEntries.AsNoTracking().Where(e => e.OrganisationId == actor.OrganisationId);
        if (!string.IsNullOrWhiteSpace(request.Entity))
        {
            query = query.Where(e => e.Entity == request.Entity.Trim());
        }

        if (request.EntityId is { } entityId)
        {
            query = query.Where(e => e.EntityId == entityId);
        }

        if (!string.IsNullOrWhiteSpace(request.Actor))
        {
            query = query.Where(e => e.ActorId == request.Actor.Trim());
        }

        if (request is { From: { } start, To: { } end } && end <= start)
        {
            return Invalid.Field("to", "'to' must be later than 'from' (from is inclusive, to exclusive).");
        }

        if (request.From is { } from)
        {
            query = query.Where(e => e.At >= from);
        }

        if (request.To is { } to)
        {
            query = query.Where(e => e.At < to);
        }

        if (request.Cursor is not null)
        {
            if (!TryRead(request.Cursor, out var at, out var id))
            {
                return Invalid.Field("cursor", "This cursor was not issued by the audit log.");
            }

            query = query.Where(e => e.At < at || (e.At == at && e.Id.CompareTo(id) < 0));
        }

        var rows = await query.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(request.Limit + 1).ToListAsync(cancellationToken);
        var more = rows.Count > request.Limit;
        var items = (more ? rows[..request.Limit] : rows).ConvertAll(e => new AuditEntryView(
            e.Id, e.At, e.ActorKind, e.ActorId, e.Action, e.Entity, e.EntityId, e.Fields is null ? [] : e.Fields.Split(','), e.Reason));
        return new AuditPage(items, more ? Write(items[^1]) : null);
    }

    private static string Write(AuditEntryView last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.At.UtcTicks}:{last.Id:N}")));

    private static bool TryRead(string text, out DateTimeOffset at, out Guid id)
    {
        (at, id) = (default, default);
        try
        {
            if (Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(':') is [var t, var i]
                && long.TryParse(t, CultureInfo.InvariantCulture, out var ticks) && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && Guid.TryParseExact(i, "N", out id))
            {
                at = new DateTimeOffset(ticks, TimeSpan.Zero);
                return true;
            }
        }
        catch (FormatException)
        {
            // Not base64url: not ours.
        }

        return false;
    }
}
