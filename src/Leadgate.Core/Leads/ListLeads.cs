using System.Buffers.Text;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Leads;

public sealed record ListLeadsRequest
{
    public IReadOnlyList<Stage>? Stages { get; init; }

    public Guid? OwnerId { get; init; }

    /// <summary>Only leads without an owner.</summary>
    public bool Unassigned { get; init; }

    /// <summary>Matches names, e-mail address and company name.</summary>
    public string? Text { get; init; }

    /// <summary>The cursor of the previous page's last row (API); the UI pages with <see cref="Page"/> instead.</summary>
    public string? Cursor { get; init; }

    /// <summary>Zero-based page number for page-by-page browsing; ignored when a cursor is given.</summary>
    public int? Page { get; init; }

    public int Limit { get; init; } = 50;

    public bool IncludeTotal { get; init; }
}

public sealed record LeadPage(IReadOnlyList<LeadSummary> Items, string? NextCursor, int? Total);

/// <summary>The leads of the caller's organisation, newest first, filtered, one page at a time.</summary>
public sealed class ListLeads(LeadgateDbContext db)
{
    public const int MaxLimit = 200;

    public async Task<Result<LeadPage>> HandleAsync(ListLeadsRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (request.Limit is < 1 or > MaxLimit)
        {
            return Invalid.Field("limit", $"Between 1 and {MaxLimit}.");
        }

        if (request.Text?.Length > 200)
        {
            return Invalid.Field("q", "At most 200 characters.");
        }

        var query = db.Leads.AsNoTracking().Where(l => l.OrganisationId == actor.OrganisationId);
        if (request.Stages is { Count: > 0 } stages)
        {
            query = query.Where(l => stages.Contains(l.Stage));
        }

        if (request.OwnerId is { } owner)
        {
            query = query.Where(l => l.OwnerId == owner);
        }

        if (request.Unassigned)
        {
            query = query.Where(l => l.OwnerId == null);
        }

        if (!string.IsNullOrWhiteSpace(request.Text))
        {
            var text = request.Text.Trim().ToLowerInvariant();
            query = query.Where(l => l.SearchText.Contains(text));
        }

        int? total = request.IncludeTotal ? await query.CountAsync(cancellationToken) : null;

        if (request.Cursor is not null)
        {
            if (!Cursor.TryRead(request.Cursor, out var after))
            {
                return Invalid.Field("cursor", "This cursor was not issued by this list.");
            }

            query = query.Where(l => l.CreatedAt < after.CreatedAt || (l.CreatedAt == after.CreatedAt && l.Id.CompareTo(after.Id) < 0));
        }
        else if (request.Page is { } page)
        {
            query = query.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id).Skip(page * request.Limit);
        }

        var rows = await query
            .OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id)
            .Take(request.Limit + 1)
            .Select(l => new LeadSummary(
                l.Id, l.Contact.Email, l.Contact.FirstName, l.Contact.LastName, l.Company!.Name,
                l.Stage, l.HighestStage, l.WorkStatus, l.OwnerId,
                db.Users.Where(u => u.Id == l.OwnerId).Select(u => u.DisplayName).FirstOrDefault(),
                l.Source, l.Campaign, l.CreatedAt, l.UpdatedAt, l.Version)
            {
                FitScore = l.FitScore,
                EngagementScore = l.EngagementScore,
            })
            .ToListAsync(cancellationToken);

        var hasMore = rows.Count > request.Limit;
        var items = hasMore ? rows[..request.Limit] : rows;
        var next = hasMore ? Cursor.Write(items[^1].CreatedAt, items[^1].Id) : null;
        return new LeadPage(items, next, total);
    }

    /// <summary>An opaque keyset position: creation time and id of the last row seen.</summary>
    private static class Cursor
    {
        public static string Write(DateTimeOffset createdAt, Guid id) =>
            Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{createdAt.UtcTicks}:{id:N}"));

        public static bool TryRead(string text, out (DateTimeOffset CreatedAt, Guid Id) position)
        {
            position = default;
            try
            {
                var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(':');
                if (parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
                    && Guid.TryParseExact(parts[1], "N", out var id))
                {
                    position = (new DateTimeOffset(ticks, TimeSpan.Zero), id);
                    return true;
                }
            }
            catch (FormatException)
            {
            }

            return false;
        }
    }
}
