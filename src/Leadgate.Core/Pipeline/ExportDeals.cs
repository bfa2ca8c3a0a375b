using System.Runtime.CompilerServices;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Leads;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Pipeline;

/// <summary>One deal as an export writes it: the deal, where it stands, its plan and its buyer.</summary>
public sealed record DealExportRow(
    Guid Id, Guid LeadId, string Title, string Pipeline, string Stage, DealStatus Status, decimal Value, string Currency,
    DateOnly ExpectedCloseDate, int Probability, ProbabilitySource ProbabilitySource, ForecastCategory ForecastCategory,
    Guid? OwnerId, string? Owner, string ContactEmail, string ContactName, string? Company, string? NextStep, DateOnly? NextStepDueOn,
    decimal? ProposalAmount, decimal? WonAmount, DateOnly? ClosedOn, string? LostReason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    string? ProposalReference = null, string? Competitor = null);

/// <summary>
/// Every deal of an organisation (or of one of its pipelines, by name), oldest first, streamed: rows are read from the
/// database as they are written, so an export of any size holds one row at a time.
/// </summary>
public sealed class ExportDeals(LeadgateDbContext db, TimeProvider clock)
{
    /// <summary>The pipeline named (null: all), checked; and how many deals the export will write.</summary>
    public async Task<Result<(Guid? PipelineId, int Count)>> PrepareAsync(string? pipelineName, Actor actor, CancellationToken cancellationToken)
    {
        Guid? pipelineId = null;
        if (!string.IsNullOrWhiteSpace(pipelineName))
        {
            var pipelines = await Pipelines.ReadAsync(db, actor.OrganisationId, clock.GetUtcNow(), cancellationToken);
            var named = pipelines.FirstOrDefault(p => string.Equals(p.Name, pipelineName.Trim(), StringComparison.OrdinalIgnoreCase));
            if (named is null)
            {
                return Invalid.Field("pipeline", $"No pipeline is called '{pipelineName.Trim()}'; there are: {string.Join(", ", pipelines.Select(p => p.Name))}.");
            }

            pipelineId = named.Id;
        }

        var count = await Deals(actor, pipelineId, pipelineId is not null && await IsFirstAsync(actor, pipelineId.Value, cancellationToken)).CountAsync(cancellationToken);
        return (pipelineId, count);
    }

    public async IAsyncEnumerable<DealExportRow> StreamAsync(Guid? pipelineId, Actor actor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var pipelines = await Pipelines.ReadAsync(db, actor.OrganisationId, now, cancellationToken);
        var owners = await db.Users.AsNoTracking().Where(u => u.OrganisationId == actor.OrganisationId).ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        var deals = Deals(actor, pipelineId, pipelineId is not null && await IsFirstAsync(actor, pipelineId.Value, cancellationToken));
        // One reader, rows written as they arrive. Joined by the lead's key: a First() on the leads in the projection
        // would read every lead.
        var rows = (
            from d in deals
            join l in db.Leads.AsNoTracking() on d.LeadId equals l.Id
            orderby d.CreatedAt, d.Id
            select new { Deal = d, l.Stage, l.Contact.Email, l.Contact.FirstName, l.Contact.LastName, Company = l.Company!.Name })
            .AsAsyncEnumerable();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            var d = row.Deal;
            var (pipeline, stage) = GetDeal.StageOf(d, pipelines);
            var view = GetDeal.View(d, row.Stage, null, true, pipelines, now);
            yield return new DealExportRow(
                d.Id, d.LeadId, d.Title, pipeline.Name, stage.Name, d.Status, d.Value, d.Currency, d.ExpectedCloseDate, view.Probability,
                view.ProbabilitySource, view.ForecastCategory, d.OwnerId, d.OwnerId is { } owner ? owners.GetValueOrDefault(owner) : null,
                row.Email, Contact.NameOf(row.FirstName, row.LastName, row.Email), row.Company, d.NextStepText, d.NextStepDueOn,
                d.ProposalAmount, d.WonAmount, d.ClosedOn, d.LostReason, d.CreatedAt, d.UpdatedAt, d.ProposalReference, d.Competitor);
        }
    }

    private async Task<bool> IsFirstAsync(Actor actor, Guid pipelineId, CancellationToken cancellationToken)
    {
        var pipelines = await Pipelines.ReadAsync(db, actor.OrganisationId, clock.GetUtcNow(), cancellationToken);
        return pipelines[0].Id == pipelineId;
    }

    /// <summary>A deal opened before pipelines existed (no pipeline yet) belongs to the first.</summary>
    private IQueryable<Deal> Deals(Actor actor, Guid? pipelineId, bool first)
    {
        var deals = db.Deals.AsNoTracking().Where(d => d.OrganisationId == actor.OrganisationId);
        return pipelineId is not { } id ? deals : first ? deals.Where(d => d.PipelineId == id || d.PipelineId == null) : deals.Where(d => d.PipelineId == id);
    }
}
