using Leadgate.Data;
using Leadgate.Prediction;
using Leadgate.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Prediction;

/// <summary>A stored (inactive) model version of an organisation, made quickly from generated leads, for tests that only need one to exist.</summary>
internal static class StoredModels
{
    public static async Task<Guid> AddAsync(TestApp app, Guid organisationId)
    {
        var examples = GeneratedLeads.Make(300, seed: 3);
        var model = ModelTraining.FitPlainLogistic(GeneratedLeads.Schema, examples, seed: 3);
        var quality = ModelQuality.Measure([.. examples.Select(model.Probability)], [.. examples.Select(e => e.Converted)]);
        var stored = PredictionModel.Record(organisationId, 1, app.Clock.GetUtcNow(), "test", TargetStage.Sql, model, quality, [new FactorStrength("Source", 1)]);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        db.PredictionModels.Add(stored);
        await db.SaveChangesAsync();
        return stored.Id;
    }
}
