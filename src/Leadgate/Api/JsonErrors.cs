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

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return JsonContract.Shown(field.Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.'));
    }

    /// <summary>What is wrong with the field, in the client's words: never a C# type name.</summary>
    public static string Explain(JsonException exception)
    {
        var message = exception.Message;
        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return "This field is unknown; the API refuses fields it does not know (see /openapi/v1.json).";
        }

        // Our own converters say what they expect ("One of: …"); the framework's messages name C# types.
        return message.StartsWith("One of:", StringComparison.Ordinal)
            ? "This value is not allowed. " + message
            : "This value has the wrong type or format.";
    }
}
