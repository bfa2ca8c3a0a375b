using System.Globalization;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

public sealed record GetBoardRequest
{
    /// <summary>The organisation's first pipeline when left out.</summary>
    public Guid? PipelineId { get; init; }

    public Guid? OwnerId { get; init; }

    /// <summary>The expected close month, YYYY-MM.</summary>
    public string? CloseMonth { get; init; }

    public bool StaleOnly { get; init; }

    /// <summary>How many cards each column lists (the first by close date); its count and totals are over all its deals.</summary>
    public int CardsPerColumn { get; init; } = GetBoard.DefaultCardsPerColumn;
}

public sealed record DealCard(
    Guid Id, Guid LeadId, string Title, string Contact, string? Company, decimal Value, string Currency, DateOnly ExpectedCloseDate,
    Guid? OwnerId, string? Owner, int Probability, ProbabilitySource ProbabilitySource, bool Stale, NextStepView? NextStep, long Version);

/// <summary>
/// A column of the board: its open deals, how many, their total and weighted total (Σ value × probability) in the
/// organisation's currency. Deals in a currency without an exchange rate are listed apart and never summed. The column
/// lists its first cards by close date; <see cref="More"/> says how many of its deals it does not list.
/// </summary>
public sealed record BoardColumn(
    Guid StageId, string Name, StageMeaning Meaning, int Probability, int Count, decimal Total, decimal WeightedTotal,
    IReadOnlyList<DealCard> Cards, IReadOnlyList<DealCard> WithoutRate)
{
    public int More { get; init; }
}

public sealed record BoardView(
    Guid PipelineId, string Pipeline, string Currency, IReadOnlyList<BoardColumn> Columns, IReadOnlyList<string> CurrenciesWithoutRate,
    IReadOnlyList<PipelineView> Pipelines);

/// <summary>The board of one pipeline: a column per active stage with its open deals and totals.</summary>
public sealed class GetBoard(LeadgateDbContext db, TimeProvider clock)
{
    public const int DefaultCardsPerColumn = 50;
    public const int MaxCardsPerColumn = 1_000;

    public async Task<Result<BoardView>> HandleAsync(GetBoardRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var pipelines = await Pipelines.ReadAsync(db, actor.OrganisationId, now, cancellationToken);
        var pipeline = request.PipelineId is { } id ? pipelines.FirstOrDefault(p => p.Id == id) : pipelines[0];
        if (pipeline is null)
        {
            return Invalid.Field("pipelineId", "Not a pipeline of this organisation.");
        }

        var query = db.Deals.AsNoTracking().Where(d => d.OrganisationId == actor.OrganisationId && d.Status == DealStatus.Open);
        var first = pipeline.Id == pipelines[0].Id;
        var pipelineId = pipeline.Id;
        query = first ? query.Where(d => d.PipelineId == pipelineId || d.PipelineId == null) : query.Where(d => d.PipelineId == pipelineId);
        if (request.OwnerId is { } owner)
        {
            query = query.Where(d => d.OwnerId == owner);
        }

        if (request.CloseMonth is { } month)
        {
            if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start) || !CalendarBounds.Holds(start))
            {
                return Invalid.Field("closeMonth", "A month as YYYY-MM from 1900-01 to 9998-12, such as 2027-03.");
            }

            var end = start.AddMonths(1);
            query = query.Where(d => d.ExpectedCloseDate >= start && d.ExpectedCloseDate < end);
        }

        if (request.CardsPerColumn is < 1 or > MaxCardsPerColumn)
        {
            return Invalid.Field("cardsPerColumn", $"From 1 to {MaxCardsPerColumn}.");
        }

        if (request.StaleOnly)
        {
            query = query.Where(ListDeals.StaleWhere(db, pipeline.Stages, now));
        }

        var (currency, rates) = await GetExchangeRates.RatesAsync(db, actor.OrganisationId, cancellationToken);
        var rated = rates.Keys.ToList();

        // Counts and totals are over every open deal of a column: a lean read of what they need, no lead, contact or owner.
        var sums = await query
            .Select(d => new { d.StageId, d.ProposalAmount, d.Value, d.Currency, d.RepProbability, d.StageProbability })
            .ToListAsync(cancellationToken);
        var placement = Pipelines.PlacementOf(pipeline, DealStatus.Open, proposed: false).Id;
        var placementProposed = Pipelines.PlacementOf(pipeline, DealStatus.Open, proposed: true).Id;
        var byStage = sums.ToLookup(d => d.StageId ?? (d.ProposalAmount is null ? placement : placementProposed));

        var columns = new List<BoardColumn>();
        foreach (var stage in pipeline.Stages.Where(s => s.IsActive).OrderBy(s => s.Position))
        {
            var inColumn = byStage[stage.Id].ToList();
            var summed = inColumn.Where(d => rates.ContainsKey(d.Currency)).ToList();
            var total = summed.Sum(d => d.Value * rates[d.Currency]);
            var weighted = summed.Sum(d => d.Value * rates[d.Currency] * (d.RepProbability ?? (d.StageId is null ? stage.Probability : d.StageProbability)) / 100m);
            var stageId = (Guid?)stage.Id;
            // A deal opened before pipelines (no stage yet) stands where it would be placed.
            var inStage = (stage.Id == placement, stage.Id == placementProposed) switch
            {
                (true, true) => query.Where(d => d.StageId == stageId || d.StageId == null),
                (true, false) => query.Where(d => d.StageId == stageId || (d.StageId == null && d.ProposalAmount == null)),
                (false, true) => query.Where(d => d.StageId == stageId || (d.StageId == null && d.ProposalAmount != null)),
                (false, false) => query.Where(d => d.StageId == stageId),
            };
            var cards = summed.Count == 0 ? [] : await CardsAsync(inStage.Where(d => rated.Contains(d.Currency)), request.CardsPerColumn, pipelines, now, cancellationToken);
            var apart = summed.Count == inColumn.Count ? [] : await CardsAsync(inStage.Where(d => !rated.Contains(d.Currency)), request.CardsPerColumn, pipelines, now, cancellationToken);
            columns.Add(new BoardColumn(
                stage.Id, stage.Name, stage.Meaning, stage.Probability, inColumn.Count, decimal.Round(total, 2, MidpointRounding.AwayFromZero),
                decimal.Round(weighted, 2, MidpointRounding.AwayFromZero), cards, apart)
            {
                More = Math.Max(0, inColumn.Count - cards.Count - apart.Count),
            });
        }

        var missingRates = sums.Select(d => d.Currency).Where(c => !rates.ContainsKey(c)).Distinct().Order(StringComparer.Ordinal).ToList();
        return new BoardView(pipeline.Id, pipeline.Name, currency, columns, missingRates, [.. pipelines.Select(GetPipelines.ViewOf)]);
    }

    /// <summary>The first cards of a column by close date, with what a card shows of the lead, contact, company and owner.</summary>
    private async Task<List<DealCard>> CardsAsync(IQueryable<Deal> deals, int limit, IReadOnlyList<SalesPipeline> pipelines, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // First which deals (on the deals alone, so the database sorts narrow rows), then what their cards show.
        var ids = await deals.OrderBy(d => d.ExpectedCloseDate).ThenBy(d => d.Id).Take(limit).Select(d => d.Id).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return [];
        }

        // The ids inlined, so the database looks each one up by its key; a join on the lead's key (a First() on the leads in the projection becomes a windowed read of every lead).
        var rows = await (
            from d in db.Deals.AsNoTracking().Where(d => EF.Constant(ids).Contains(d.Id))
            join l in db.Leads.AsNoTracking() on d.LeadId equals l.Id
            select new
            {
                Deal = d,
                l.Stage,
                l.LastActivityAt,
                l.Contact.FirstName,
                l.Contact.LastName,
                l.Contact.Email,
                Company = l.Company!.Name,
                Owner = db.Users.Where(u => u.Id == d.OwnerId).Select(u => u.DisplayName).FirstOrDefault(),
                WarmByPlan = db.ScheduledActivities.Any(s => s.DealId == d.Id && s.DoneAt == null && s.DueAt > now),
            })
            .ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.Deal.ExpectedCloseDate).ThenBy(r => ids.IndexOf(r.Deal.Id)).Select(r =>
        {
            var v = GetDeal.View(r.Deal, r.Stage, r.LastActivityAt, r.WarmByPlan, pipelines, now);
            return new DealCard(
                v.Id, v.LeadId, v.Title, Contact.NameOf(r.FirstName, r.LastName, r.Email), r.Company, v.Value, v.Currency,
                v.ExpectedCloseDate, v.OwnerId, r.Owner, v.Probability, v.ProbabilitySource, v.Stale, v.NextStep, v.Version);
        })];
    }
}
