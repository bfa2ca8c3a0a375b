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
}

public sealed record DealCard(
    Guid Id, Guid LeadId, string Title, string Contact, string? Company, decimal Value, string Currency, DateOnly ExpectedCloseDate,
    Guid? OwnerId, string? Owner, int Probability, ProbabilitySource ProbabilitySource, bool Stale, NextStepView? NextStep, long Version);

/// <summary>
/// A column of the board: its open deals, how many, their total and weighted total (Σ value × probability) in the
/// organisation's currency. Deals in a currency without an exchange rate are listed apart and never summed.
/// </summary>
public sealed record BoardColumn(
    Guid StageId, string Name, StageMeaning Meaning, int Probability, int Count, decimal Total, decimal WeightedTotal,
    IReadOnlyList<DealCard> Cards, IReadOnlyList<DealCard> WithoutRate);

public sealed record BoardView(
    Guid PipelineId, string Pipeline, string Currency, IReadOnlyList<BoardColumn> Columns, IReadOnlyList<string> CurrenciesWithoutRate,
    IReadOnlyList<PipelineView> Pipelines);

/// <summary>The board of one pipeline: a column per active stage with its open deals and totals.</summary>
public sealed class GetBoard(LeadgateDbContext db, TimeProvider clock)
{
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
            if (!DateOnly.TryParseExact(month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start))
            {
                return Invalid.Field("closeMonth", "A month as YYYY-MM, such as 2027-03.");
            }

            var end = start.AddMonths(1);
            query = query.Where(d => d.ExpectedCloseDate >= start && d.ExpectedCloseDate < end);
        }

        var rows = await query
            .Select(d => new
            {
                Deal = d,
                Lead = db.Leads.Where(l => l.Id == d.LeadId)
                    .Select(l => new { l.Stage, l.LastActivityAt, l.Contact.FirstName, l.Contact.LastName, l.Contact.Email, Company = l.Company!.Name })
                    .First(),
                Owner = db.Users.Where(u => u.Id == d.OwnerId).Select(u => u.DisplayName).FirstOrDefault(),
                WarmByPlan = db.ScheduledActivities.Any(s => s.DealId == d.Id && s.DoneAt == null && s.DueAt > now),
            })
            .ToListAsync(cancellationToken);
        var (currency, rates) = await GetExchangeRates.RatesAsync(db, actor.OrganisationId, cancellationToken);

        var cards = rows.Select(r =>
        {
            var v = GetDeal.View(r.Deal, r.Lead.Stage, r.Lead.LastActivityAt, r.WarmByPlan, pipelines, now);
            var card = new DealCard(
                v.Id, v.LeadId, v.Title, Contact.NameOf(r.Lead.FirstName, r.Lead.LastName, r.Lead.Email), r.Lead.Company, v.Value, v.Currency,
                v.ExpectedCloseDate, v.OwnerId, r.Owner, v.Probability, v.ProbabilitySource, v.Stale, v.NextStep, v.Version);
            return (Card: card, v.StageId);
        })
        .Where(c => !request.StaleOnly || c.Card.Stale)
        .ToLookup(c => c.StageId, c => c.Card);

        var columns = pipeline.Stages.Where(s => s.IsActive).OrderBy(s => s.Position).Select(stage =>
        {
            var inColumn = cards[stage.Id].OrderBy(c => c.ExpectedCloseDate).ThenBy(c => c.Id).ToList();
            var summed = inColumn.Where(c => rates.ContainsKey(c.Currency)).ToList();
            var total = summed.Sum(c => c.Value * rates[c.Currency]);
            var weighted = summed.Sum(c => c.Value * rates[c.Currency] * c.Probability / 100m);
            return new BoardColumn(
                stage.Id, stage.Name, stage.Meaning, stage.Probability, inColumn.Count, decimal.Round(total, 2, MidpointRounding.AwayFromZero), decimal.Round(weighted, 2, MidpointRounding.AwayFromZero),
                summed, [.. inColumn.Where(c => !rates.ContainsKey(c.Currency))]);
        }).ToList();
        var missingRates = columns.SelectMany(c => c.WithoutRate).Select(c => c.Currency).Distinct().Order(StringComparer.Ordinal).ToList();
        return new BoardView(pipeline.Id, pipeline.Name, currency, columns, missingRates, [.. pipelines.Select(GetPipelines.ViewOf)]);
    }
}
