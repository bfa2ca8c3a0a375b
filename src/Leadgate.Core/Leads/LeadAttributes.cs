using System.Text.Json;

namespace Leadgate.Leads;

/// <summary>How a lead ended in the system it was imported from.</summary>
public enum SourceOutcome
{
    Converted,
    NotConverted,
}

/// <summary>
/// An imported lead's own columns (column name → value as written), kept as one JSON object on the lead. Names and values
/// are trimmed; a later import's non-empty value replaces the stored one, an empty one keeps it.
/// </summary>
public static class LeadAttributes
{
    public const int MaximumCount = 60;
    public const int MaximumNameLength = 100;
    public const int MaximumValueLength = 200;

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlyDictionary<string, string> Read(string? json) =>
        json is not null && JsonSerializer.Deserialize<Dictionary<string, string>>(json, Json) is { } read
            ? new SortedDictionary<string, string>(read, StringComparer.Ordinal)
            : Empty;

    /// <summary>The stored attributes with the new ones laid over them, as JSON (keys in ordinal order), or null for none.</summary>
    public static string? Merge(string? stored, IReadOnlyDictionary<string, string>? added)
    {
        if (added is null || added.Count == 0)
        {
            return stored;
        }

        var merged = new SortedDictionary<string, string>(Read(stored).ToDictionary(), StringComparer.Ordinal);
        foreach (var (name, value) in added)
        {
            merged[name] = value;
        }

        return JsonSerializer.Serialize(merged, Json);
    }

    private static readonly IReadOnlyDictionary<string, string> Empty = new SortedDictionary<string, string>(StringComparer.Ordinal);
}
