using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Scoring;

/// <summary>The organisation's scoring model (the default until one is saved).</summary>
public sealed class GetScoringModel(LeadgateDbContext db)
{
    public Task<ScoringModel> HandleAsync(Actor actor, CancellationToken cancellationToken) =>
        db.ScoringModelOfAsync(actor.OrganisationId, cancellationToken);
}

/// <summary>
/// Marketing or an admin replaces the scoring model as a whole. Stored scores are refreshed as leads get events or
/// changes; the background rescoring of every lead is a later slice.
/// </summary>
public sealed class ChangeScoringModel(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<ScoringModel>> HandleAsync(ScoringModel? model, Actor actor, CancellationToken cancellationToken)
    {
        if (ScoringAccess.Refuse(actor) is { } forbidden)
        {
            return forbidden;
        }

        if (model is null)
        {
            return Invalid.Field("body", "Send the scoring model as a JSON object.");
        }

        if (model.Validate() is { } invalid)
        {
            return invalid;
        }

        var now = clock.GetUtcNow();
        var settings = await db.ScoringSettings.FirstOrDefaultAsync(s => s.OrganisationId == actor.OrganisationId, cancellationToken);
        if (settings is null)
        {
            db.ScoringSettings.Add(Scoring.ScoringSettings.Create(actor.OrganisationId, model, actor.Name, now));
        }
        else
        {
            settings.Change(model, actor.Name, now);
        }

        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : await db.ScoringModelOfAsync(actor.OrganisationId, cancellationToken);
    }
}

internal static class ScoringAccess
{
    /// <summary>Scoring is marketing's instrument; admins may set it up too.</summary>
    public static Forbidden? Refuse(Actor actor) =>
        actor.IsIn(Roles.Marketing) || actor.IsIn(Roles.Admin) ? null : new Forbidden("Only marketing or an admin changes or previews the scoring model.");
}
