using System.Collections.Concurrent;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Scoring;

/// <summary>
/// Each organisation's scoring model, deserialised once and kept while it is unchanged. Every use reads only the
/// settings' <see cref="ScoringSettings.ChangedAt"/> (one indexed row); a save on any app instance changes it, so the next
/// batch on every instance reads the new model. Nothing has to be told to invalidate it.
/// </summary>
public sealed class ScoringModelCache
{
    private readonly ConcurrentDictionary<Guid, (long? ChangedAt, ScoringModel Model)> _models = new();

    public async Task<ScoringModel> ModelOfAsync(LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        // Hand-written SQL: through EF this one-row read was about a tenth of the event writer's time (docs/performance.md, P2).
        var changedAt = await EventReads.ModelChangedAtAsync(db, organisationId, cancellationToken);
        if (_models.TryGetValue(organisationId, out var cached) && cached.ChangedAt == changedAt)
        {
            return cached.Model;
        }

        // Read after the version: if a save falls in between, the newer model is kept under the older version and is
        // simply read again next time.
        var model = await db.ScoringModelOfAsync(organisationId, cancellationToken);
        _models[organisationId] = (changedAt, model);
        return model;
    }
}
