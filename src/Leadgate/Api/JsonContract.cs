using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Leadgate.Common;

namespace Leadgate.Web.Api;

/// <summary>
/// The API's one JSON setup (docs/api.md, "JSON"): enums by name only, numbers as numbers, and an unknown field is an error
/// naming it. Request bodies pass <see cref="UseJsonBodyGuard"/> first, which refuses text that is not valid Unicode.
/// </summary>
public static class JsonContract
{
    /// <summary>The longest property name the API reads; a longer one is refused without being echoed back whole.</summary>
    public const int MaxNameLength = 100;

    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new StrictEnumConverterFactory());
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    }

    /// <summary>A name as it may appear in an error: cut short when it is longer than anyone needs to read.</summary>
    public static string Shown(string name) => name.Length <= MaxNameLength ? name : name[..MaxNameLength] + "…";

    /// <summary>
    /// Enums are written by name and read by name only: any case, but the whole name of one member: no numbers (which
    /// would store a value no member has), no comma-joined names (which <see cref="Enum.Parse(Type, string)"/> reads as bit
    /// flags), no surrounding blanks. The query string follows the same rule (<see cref="QueryRules"/>).
    /// </summary>
    public sealed class StrictEnumConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;
    }

    private sealed class StrictEnumConverter<TEnum> : JsonConverter<TEnum>
        where TEnum : struct, Enum
    {
        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String && EnumNames.TryParse<TEnum>(reader.GetString(), out var value))
            {
                return value;
            }

            throw new JsonException($"One of: {string.Join(", ", Enum.GetNames<TEnum>())}.");
        }

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());

        public override TEnum ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            EnumNames.TryParse<TEnum>(reader.GetString(), out var value) ? value : throw new JsonException($"One of: {string.Join(", ", Enum.GetNames<TEnum>())}.");

        public override void WriteAsPropertyName(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => writer.WritePropertyName(value.ToString());
    }

    /// <summary>
    /// Refuses a JSON request body to the API whose names or strings are not valid Unicode (an escaped lone surrogate such
    /// as <c>"\ud800"</c>, which .NET cannot turn into a string and so failed deep inside whatever read it), or whose
    /// property names are longer than <see cref="MaxNameLength"/>. The problem names the field. Malformed JSON is left
    /// to the reader of the body, which names where it broke.
    /// </summary>
    public static IApplicationBuilder UseJsonBodyGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (!request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || !request.HasJsonContentType() || request.ContentLength == 0)
            {
                await next(context);
                return;
            }

            request.EnableBuffering();
            var body = await ReadAsync(request.Body, context.RequestAborted);
            request.Body.Position = 0;
            if (body is not null && FindUnreadable(body) is { } field)
            {
                await Problems.WriteAsync(context, Problems.ToProblem(Invalid.Field(field.Path, field.Message)));
                return;
            }

            await next(context);
        });

    private static async Task<byte[]?> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        try
        {
            await body.CopyToAsync(buffer, cancellationToken);
        }
        catch (BadHttpRequestException)
        {
            // Too large, or cut off: the endpoint's own reading answers for that, with its status.
            return null;
        }

        return buffer.ToArray();
    }

    internal readonly record struct Unreadable(string Path, string Message);

    /// <summary>The first name or string that is not valid Unicode or too long a name, with its path; null when there is none.</summary>
    internal static Unreadable? FindUnreadable(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 });
        var path = new List<string>();
        var index = new List<int>();
        string? name = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (!TryText(ref reader, out name))
                        {
                            return new Unreadable(PathOf(path, "(a name)"), "A property name is not valid Unicode text (a lone surrogate escape such as \\ud800).");
                        }

                        if (name.Length > MaxNameLength)
                        {
                            return new Unreadable(PathOf(path, Shown(name)), $"A property name is at most {MaxNameLength} characters.");
                        }

                        continue;
                    case JsonTokenType.String:
                        if (!TryText(ref reader, out _))
                        {
                            return new Unreadable(PathOf(path, Element(name, index)), "This text is not valid Unicode (a lone surrogate escape such as \\ud800).");
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        path.Add(Element(name, index) ?? "");
                        index.Add(reader.TokenType == JsonTokenType.StartArray ? 0 : -1);
                        name = null;
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        index.RemoveAt(index.Count - 1);
                        break;
                }

                name = null;
                if (index.Count > 0 && index[^1] >= 0)
                {
                    index[^1]++;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: the body's reader names where.
        }

        return null;
    }

    private static string? Element(string? name, List<int> index) =>
        name ?? (index.Count > 0 && index[^1] >= 0 ? $"[{index[^1]}]" : null);

    private static string PathOf(List<string> path, string? last)
    {
        var text = new StringBuilder();
        foreach (var part in path.Skip(1).Append(last ?? ""))
        {
            if (part.Length == 0)
            {
                continue;
            }

            if (text.Length > 0 && !part.StartsWith('['))
            {
                text.Append('.');
            }

            text.Append(part);
        }

        return text.Length == 0 ? "body" : text.ToString();
    }

    private static bool TryText(ref Utf8JsonReader reader, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = reader.GetString()!;
            return JsonText.IsWellFormed(text);
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

}

/// <summary>Enum names as the API reads them, in the body and in the query string alike.</summary>
public static class EnumNames
{
    private static readonly ConcurrentDictionary<Type, FrozenDictionary<string, object>> Cache = new();

    public static bool TryParse<TEnum>(string? text, out TEnum value)
        where TEnum : struct, Enum
    {
        if (TryParse(typeof(TEnum), text, out var boxed))
        {
            value = (TEnum)boxed;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>The whole name of one member, in any case; nothing else.</summary>
    public static bool TryParse(Type enumType, string? text, [NotNullWhen(true)] out object? value)
    {
        value = null;
        return text is not null && Names(enumType).TryGetValue(text, out value);
    }

    private static FrozenDictionary<string, object> Names(Type enumType) =>
        Cache.GetOrAdd(enumType, type => Enum.GetNames(type).ToFrozenDictionary(n => n, n => Enum.Parse(type, n), StringComparer.OrdinalIgnoreCase));
}
