using System.Text.Json;
using System.Text.Json.Serialization;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Scoring;

/// <summary>An organisation's <see cref="ScoringModel"/>, kept as one JSON document (the same on SQLite and PostgreSQL).</summary>
public sealed class ScoringSettings
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private ScoringSettings()
    {
        Model = null!;
        ChangedBy = null!;
    }

    public Guid OrganisationId { get; private set; }

    /// <summary>The model as JSON.</summary>
    public string Model { get; private set; }

    public DateTimeOffset ChangedAt { get; private set; }

    public string ChangedBy { get; private set; }

    internal static ScoringSettings Create(Guid organisationId, ScoringModel model, string by, DateTimeOffset at)
    {
        var settings = new ScoringSettings { OrganisationId = organisationId };
        settings.Change(model, by, at);
        return settings;
    }

    internal void Change(ScoringModel model, string by, DateTimeOffset at)
    {
        Model = JsonSerializer.Serialize(model, Json);
        ChangedBy = by;
        ChangedAt = at;
    }

    public ScoringModel Read() => JsonSerializer.Deserialize<ScoringModel>(Model, Json) ?? ScoringModel.Default;
}

public static class ScoringModels
{
    /// <summary>The organisation's scoring model; the default until it saves one.</summary>
    public static async Task<ScoringModel> ScoringModelOfAsync(this LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        var json = await db.ScoringSettings.AsNoTracking()
            .Where(s => s.OrganisationId == organisationId)
            .Select(s => s.Model)
            .FirstOrDefaultAsync(cancellationToken);
        return json is null ? ScoringModel.Default : JsonSerializer.Deserialize<ScoringModel>(json, ScoringSettings.Json) ?? ScoringModel.Default;
    }
}
