using System.Globalization;
using System.Text.Json;
using Leadgate.Common;

namespace Leadgate.Intake.Outreach;

/// <summary>Lenient reading of tools' JSON: a missing, mistyped or unreadable value is null, never an exception.</summary>
internal static class ToolJson
{
    /// <summary>The text at a dotted path (<c>lead.email</c>); numbers are read as their digits.</summary>
    public static string? Text(JsonElement root, string path)
    {
        var at = root;
        foreach (var name in path.Split('.'))
        {
            if (at.ValueKind != JsonValueKind.Object || !at.TryGetProperty(name, out at))
            {
                return null;
            }
        }

        var text = at.ValueKind switch
        {
            JsonValueKind.String => JsonText.StringOf(at),
            JsonValueKind.Number => at.GetRawText(),
            _ => null,
        };
        text = text?.Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>The first of several paths that has text.</summary>
    public static string? First(JsonElement root, params string[] paths) =>
        paths.Select(p => Text(root, p)).FirstOrDefault(t => t is not null);

    /// <summary>An ISO 8601 time; one without an offset is UTC (Outreach writes <c>2019-01-01T00:00:00</c>).</summary>
    public static DateTimeOffset? Time(JsonElement root, params string[] paths) =>
        First(root, paths) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when)
            ? when
            : null;

    /// <summary>"Jane Doe" as first and last name.</summary>
    public static (string? First, string? Last) SplitName(string? name)
    {
        if (name is null)
        {
            return (null, null);
        }

        var space = name.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (name, null) : (name[..space], name[(space + 1)..].Trim());
    }
}
