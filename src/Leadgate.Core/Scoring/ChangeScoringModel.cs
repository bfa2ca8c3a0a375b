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
/// Marketing or an admin replaces the scoring model as a whole. The same save (re)starts the organisation's
/// <see cref="RescoreJob"/>, which the background rescoring then works through (<see cref="RescoreLeads"/>).
/// </summary>
public sealed class ChangeScoringModel(LeadgateDbContext db, TimeProvider clock, RescoreSignal signal)
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

        var total = await db.Leads.CountAsync(l => l.OrganisationId == actor.OrganisationId, cancellationToken);
        var job = await db.RescoreJobs.FirstOrDefaultAsync(j => j.OrganisationId == actor.OrganisationId, cancellationToken);
        if (job is null)
        {
            db.RescoreJobs.Add(RescoreJob.Start(actor.OrganisationId, total, actor.Name, now));
        }
        else
        {
            job.Restart(total, actor.Name, now);
        }

        db.AuditEntries.Add(Privacy.AuditEntry.SettingsChanged(actor, "scoring", now));
        var saved = await db.SaveAsync(null, cancellationToken);
        if (saved.Error is { } error)
        {
            return error;
        }

        signal.Raise();
        return await db.ScoringModelOfAsync(actor.OrganisationId, cancellationToken);
    }
}

internal static class ScoringAccess
{
    /// <summary>Scoring is marketing's instrument; admins may set it up too.</summary>
    public static Forbidden? Refuse(Actor actor) =>
        actor.IsIn(Roles.Marketing) || actor.IsIn(Roles.Admin) ? null : new Forbidden("Only marketing or an admin changes or previews the scoring model.");
}
