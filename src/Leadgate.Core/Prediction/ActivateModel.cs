using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Prediction;

/// <summary>
/// Makes a model version the organisation's active one (a newer version, or a roll-back to an older one) and scores every
/// lead by it. Admin only. Activating the version that is already active changes nothing and answers it again.
/// </summary>
public sealed class ActivateModel(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<ModelVersionView>> HandleAsync(Guid modelId, Actor actor, CancellationToken cancellationToken)
    {
        // Another organisation's version does not exist for this caller, whatever the caller's role.
        if (!await db.PredictionModels.AnyAsync(m => m.Id == modelId && m.OrganisationId == actor.OrganisationId, cancellationToken))
        {
            return new NotFound("Model", modelId);
        }

        if (actor.Kind == ActorKind.User && !actor.IsIn(Roles.Admin))
        {
            return new Forbidden("Only an admin activates a likelihood model.");
        }

        var activated = await ActivateAsync(db, actor.OrganisationId, modelId, clock.GetUtcNow(), cancellationToken);
        if (activated.Error is { } error)
        {
            return error;
        }

        return await ListModels.ViewAsync(db, actor.OrganisationId, modelId, cancellationToken) is { } view ? view : new NotFound("Model", modelId);
    }

    /// <summary>
    /// The switch in one transaction (the old version off, the new one on); a unique index allows one active version per
    /// organisation, so two activations at once cannot both win. Then every lead is scored by the new version.
    /// </summary>
    internal static async Task<Result<Done>> ActivateAsync(LeadgateDbContext db, Guid organisationId, Guid modelId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var model = await db.PredictionModels.AsNoTracking()
            .Where(m => m.Id == modelId && m.OrganisationId == organisationId)
            .Select(m => new { m.Active, Model = new ActiveModel(m.Id, m.Version, m.Target) })
            .SingleAsync(cancellationToken);
        if (!model.Active)
        {
            try
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.PredictionModels.Where(m => m.OrganisationId == organisationId && m.Active)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Active, false), cancellationToken);
                await db.PredictionModels.Where(m => m.Id == modelId)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Active, true).SetProperty(m => m.ActivatedAt, now), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (System.Data.Common.DbException)
            {
                return new Conflict("model-activation-conflict", "Another model version was activated at the same moment; look at the models and try again.");
            }
        }

        await RefreshLikelihoods.AllAsync(db, organisationId, model.Model, now, null, cancellationToken);
        return Done.Value;
    }
}
