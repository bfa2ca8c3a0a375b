using System.Text.Json.Serialization;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Agency;

public sealed record ListHandoversRequest
{
    public const int MaxLimit = 200;

    public Guid? LinkId { get; init; }

    public HandoverStatus? Status { get; init; }

    public string? Cursor { get; init; }

    public int Limit { get; init; } = 50;
}

/// <summary>
/// One handed-over lead as the agency sees it. An already-known person shows only its status. The client's stage, first
/// touch and acceptance are always shown for a delivered lead; the reason code only where the link shares Reasons, the
/// deal value and won amount only where it shares Revenue (absent otherwise).
/// </summary>
public sealed record HandoverItem(
    Guid HandoverId, Guid AgencyLeadId, Guid LinkId, string ClientName, HandoverStatus Status, DateTimeOffset HandedOverAt,
    Stage? ClientStage, DateTimeOffset? FirstTouchAt, DateTimeOffset? AcceptedAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? DealValue { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Currency { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public decimal? WonAmount { get; init; }
}

public sealed record HandoverPage(IReadOnlyList<HandoverItem> Items, string? NextCursor);

/// <summary>The agency's hand-overs, newest first, with what became of each at the client as far as its link shares.</summary>
public sealed class ListHandovers(LeadgateDbContext db)
{
    public async Task<Result<HandoverPage>> HandleAsync(ListHandoversRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (request.Limit is < 1 or > ListHandoversRequest.MaxLimit)
        {
            return Invalid.Field("limit", $"Between 1 and {ListHandoversRequest.MaxLimit}.");
        }

        var query = db.AgencyHandovers.AsNoTracking().Where(h => h.AgencyOrganisationId == actor.OrganisationId);
        if (request.LinkId is { } linkId)
        {
            query = query.Where(h => h.LinkId == linkId);
        }

        if (request.Status is { } status)
        {
            query = query.Where(h => h.Status == status);
        }

        if (request.Cursor is not null)
        {
            if (!KeysetCursor.TryRead(request.Cursor, out var at, out var afterId))
            {
                return Invalid.Field("cursor", "This cursor was not issued by this list.");
            }

            query = query.Where(h => h.HandedOverAt < at || (h.HandedOverAt == at && h.Id.CompareTo(afterId) < 0));
        }

        var page = await query.OrderByDescending(h => h.HandedOverAt).ThenByDescending(h => h.Id).Take(request.Limit + 1).ToListAsync(cancellationToken);
        var hasMore = page.Count > request.Limit;
        page = [.. page.Take(request.Limit)];
        var items = await ItemsAsync(db, page, cancellationToken);
        return new HandoverPage(items, hasMore ? KeysetCursor.Write(page[^1].HandedOverAt, page[^1].Id) : null);
    }

    /// <summary>The hand-overs as the agency sees them: the client's progress, cut to what each link shares.</summary>
    internal static async Task<List<HandoverItem>> ItemsAsync(LeadgateDbContext db, IReadOnlyList<AgencyHandover> handovers, CancellationToken cancellationToken)
    {
        Guid[] linkIds = [.. handovers.Select(h => h.LinkId).Distinct()];
        var links = await (
                from link in db.AgencyLinks.AsNoTracking()
                where EF.Parameter(linkIds).Contains(link.Id)
                join client in db.Organisations on link.ClientOrganisationId equals client.Id
                select new { link.Id, link.Shares, client.Name })
            .ToDictionaryAsync(l => l.Id, cancellationToken);
        var outcomes = await AgencyOutcomes.OfAsync(db, handovers, cancellationToken);
        return [.. handovers.Select(h =>
        {
            var link = links[h.LinkId];
            var outcome = outcomes.GetValueOrDefault(h.Id);
            var item = new HandoverItem(h.Id, h.AgencyLeadId, h.LinkId, link.Name, h.Status, h.HandedOverAt, outcome?.Stage, outcome?.FirstTouchAt, outcome?.AcceptedAt);
            return outcome is null ? item : item with
            {
                Reason = link.Shares >= AgencyShares.Reasons ? outcome.Reason : null,
                DealValue = link.Shares >= AgencyShares.Revenue ? outcome.DealValue : null,
                Currency = link.Shares >= AgencyShares.Revenue ? outcome.Currency : null,
                WonAmount = link.Shares >= AgencyShares.Revenue ? outcome.WonAmount : null,
            };
        })];
    }
}
