using System.Text.Json;

namespace Leadgate.Web.Api;

internal static class JsonErrors
{
    /// <summary>"$.company.employees" → "company.employees": the field as the client named it.</summary>
    public static string FieldOf(JsonException exception)
    {
        var path = exception.Path;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
