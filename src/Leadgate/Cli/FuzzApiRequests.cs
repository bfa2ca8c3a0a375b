using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Leadgate.Web.Cli;

/// <summary>One operation of the OpenAPI document: its method, path template, parameters and request body media types.</summary>
internal sealed record ApiOperation(string Method, string Template, IReadOnlyList<ApiParameter> Parameters, IReadOnlyList<(string MediaType, JsonNode? Schema)> Bodies)
{
    public string Name => $"{Method} {Template}";

    /// <summary>Every path × method of the document, in the document's order.</summary>
    public static IReadOnlyList<ApiOperation> Read(JsonNode document)
    {
        var operations = new List<ApiOperation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (method is not ("get" or "put" or "post" or "delete" or "patch"))
                {
                    continue;
                }

                var parameters = (operation!["parameters"]?.AsArray() ?? []).Concat(item["parameters"]?.AsArray() ?? [])
                    .Select(p => p!["$ref"] is { } reference ? FuzzApiSchema.Resolve(document, reference.GetValue<string>()) : p!)
                    .Select(p => new ApiParameter(p["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), p["schema"]))
                    .ToList();
                var bodies = (operation["requestBody"]?["content"]?.AsObject() ?? [])
                    .Select(c => (c.Key, c.Value?["schema"])).ToList();
                operations.Add(new ApiOperation(method.ToUpperInvariant(), template, parameters, bodies));
            }
        }

        return operations;
    }
}

internal sealed record ApiParameter(string Name, string In, JsonNode? Schema);

/// <summary>
/// Values from a JSON schema of the document: valid ones (resolving <c>$ref</c>, <c>anyOf</c>/<c>oneOf</c>, arrays,
/// objects, enums, formats and bounds), and the hostile ones a client can send instead.
/// </summary>
internal sealed class FuzzApiSchema(JsonNode document, Random random)
{
    private const int MaxDepth = 8;

    public static JsonNode Resolve(JsonNode document, string reference)
    {
        JsonNode node = document;
        foreach (var part in reference.TrimStart('#', '/').Split('/'))
        {
            node = node[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"The document has no {reference}.");
        }

        return node;
    }

    public JsonNode? Deref(JsonNode? schema)
    {
        for (var i = 0; i < 16 && schema?["$ref"] is { } reference; i++)
        {
            schema = Resolve(document, reference.GetValue<string>());
        }

        return schema;
    }

    /// <summary>The schema's types, without "null" (which is added as a mutation); empty when the schema names none.</summary>
    public static IReadOnlyList<string> Types(JsonNode? schema) => schema?["type"] switch
    {
        JsonValue value => [value.GetValue<string>()],
        JsonArray array => [.. array.Select(t => t!.GetValue<string>()).Where(t => t != "null")],
        _ => [],
    };

    public JsonNode? Valid(JsonNode? schema, string name = "", int depth = 0)
    {
        schema = Deref(schema);
        if (schema is null || depth > MaxDepth)
        {
            return JsonValue.Create("x");
        }

        if ((schema["anyOf"] ?? schema["oneOf"]) is JsonArray choices)
        {
            var real = choices.Where(c => Types(Deref(c)).Count > 0 || Deref(c)?["enum"] is not null || Deref(c)?["properties"] is not null).ToList();
            return Valid(real.Count > 0 ? real[random.Next(real.Count)] : choices[0], name, depth + 1);
        }

        if (schema["allOf"] is JsonArray all && all.Count > 0)
        {
            return Valid(all[0], name, depth + 1);
        }

        if (schema["enum"] is JsonArray members)
        {
            var named = members.Where(m => m is not null).ToList();
            return named.Count == 0 ? null : named[random.Next(named.Count)]!.DeepClone();
        }

        var types = Types(schema);
        var type = types.Count == 0 ? (schema["properties"] is not null ? "object" : "string") : types.Contains("integer") ? "integer" : types.Contains("number") ? "number" : types[random.Next(types.Count)];
        switch (type)
        {
            case "object":
            {
                var result = new JsonObject();
                var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
                foreach (var (property, propertySchema) in schema["properties"]?.AsObject() ?? [])
                {
                    if (required.Contains(property) || random.Next(3) > 0)
                    {
                        result[property] = Valid(propertySchema, property, depth + 1);
                    }
                }

                if (schema["additionalProperties"] is JsonObject extra && random.Next(2) == 0)
                {
                    for (var i = random.Next(1, 4); i > 0; i--)
                    {
                        result["key" + random.Next(100).ToString(CultureInfo.InvariantCulture)] = Valid(extra, "value", depth + 1);
                    }
                }

                return result;
            }

            case "array":
            {
                var min = schema["minItems"]?.GetValue<int>() ?? 0;
                var max = Math.Min(schema["maxItems"]?.GetValue<int>() ?? 4, min + 4);
                var result = new JsonArray();
                for (var i = random.Next(Math.Max(min, name.Length > 0 ? 1 : 0), Math.Max(min, max) + 1); i > 0; i--)
                {
                    result.Add(Valid(schema["items"], name, depth + 1));
                }

                return result;
            }

            case "integer":
            {
                var (low, high) = Bounds(schema, 0, 100);
                return JsonValue.Create((long)Math.Round(low + (random.NextDouble() * (high - low))));
            }

            case "number":
            {
                var (low, high) = Bounds(schema, 0, 1000);
                return JsonValue.Create(Math.Round(low + (random.NextDouble() * (high - low)), 2));
            }

            case "boolean":
                return JsonValue.Create(random.Next(2) == 0);
            default:
                return JsonValue.Create(ValidString(schema, name));
        }
    }

    private static (double Low, double High) Bounds(JsonNode schema, double low, double high)
    {
        var minimum = schema["minimum"]?.GetValue<double>() ?? low;
        var maximum = schema["maximum"]?.GetValue<double>() ?? Math.Max(high, minimum + high);
        return (minimum, Math.Max(minimum, maximum));
    }

    public string ValidString(JsonNode schema, string name)
    {
        var today = DateTimeOffset.UtcNow;
        var format = schema["format"]?.GetValue<string>();
        var lower = name.ToLowerInvariant();
        var text = format switch
        {
            "uuid" => Guid(random).ToString(),
            "date" => DateOnly.FromDateTime(today.AddDays(random.Next(-30, 60)).UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "date-time" => today.AddMinutes(-random.Next(1, 10_000)).ToString("O", CultureInfo.InvariantCulture),
            "email" => Email(),
            "uri" or "url" => "https://example.com/" + random.Next(1000).ToString(CultureInfo.InvariantCulture),
            _ when lower.Contains("email", StringComparison.Ordinal) => Email(),
            _ when lower.Contains("url", StringComparison.Ordinal) => "https://example.com/" + random.Next(1000).ToString(CultureInfo.InvariantCulture),
            _ when lower.Contains("currency", StringComparison.Ordinal) => random.Next(2) == 0 ? "EUR" : "USD",
            _ when lower is "timezone" or "timezoneid" => "Europe/Amsterdam",
            _ when lower.Contains("date", StringComparison.Ordinal) || lower.EndsWith("at", StringComparison.Ordinal) => today.AddDays(random.Next(-30, 60)).ToString("O", CultureInfo.InvariantCulture),
            _ => Words[random.Next(Words.Length)] + " " + random.Next(1000).ToString(CultureInfo.InvariantCulture),
        };
        var maxLength = schema["maxLength"]?.GetValue<int>();
        return maxLength is { } max && text.Length > max ? text[..max] : text;
    }

    private static readonly string[] Words = ["Acme", "Northwind", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Zorg", "Tyrell"];

    private string Email() => $"person{random.Next(10_000)}@firm{random.Next(500)}.example.com";

    public static Guid Guid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>A hostile string: huge, a lone surrogate, control characters, markup, an injection, empty, only blanks.</summary>
    public string HostileString() => random.Next(12) switch
    {
        0 => new string('a', random.Next(2) == 0 ? 100_001 : 1_000_000),
        1 => "\ud800",
        2 => "a\udfffb",
        3 => "\0",
        4 => "",
        5 => "   ",
        6 => "<script>alert(1)</script>",
        7 => "'; DROP TABLE leads; --",
        8 => "%00%ff",
        9 => "\u202e\ufeff\u200b",
        10 => "💥" + new string('é', 300),
        _ => "../../etc/passwd",
    };

    /// <summary>A value of the wrong kind for <paramref name="schema"/>, or one at or past its bounds.</summary>
    public JsonNode? Wrong(JsonNode? schema)
    {
        schema = Deref(schema);
        var types = Types(schema);
        if (schema?["enum"] is JsonArray members && members.Count > 0 && random.Next(2) == 0)
        {
            var member = members[random.Next(members.Count)]?.ToString() ?? "x";
            return random.Next(5) switch
            {
                0 => JsonValue.Create(member.ToUpperInvariant()),
                1 => JsonValue.Create(member.ToLowerInvariant()),
                2 => JsonValue.Create(random.Next(2) == 0 ? members.Count + random.Next(100) : random.Next(members.Count)),
                3 => JsonValue.Create(string.Join(",", members.Take(2).Select(m => m?.ToString()))),
                _ => JsonValue.Create(member + "x"),
            };
        }

        if (types.Contains("integer") || types.Contains("number"))
        {
            return random.Next(8) switch
            {
                0 => JsonValue.Create(-1),
                1 => JsonValue.Create(0),
                2 => JsonValue.Create(2_147_483_648L),
                3 => JsonValue.Create(long.MinValue),
                4 => JsonValue.Create(1.5),
                5 => JsonValue.Create(schema?["maximum"]?.GetValue<double>() + 1 ?? 1e300),
                6 => JsonValue.Create(schema?["minimum"]?.GetValue<double>() - 1 ?? -1e300),
                _ => JsonValue.Create("12"),
            };
        }

        return random.Next(9) switch
        {
            0 => null,
            1 => JsonValue.Create(random.Next(2) == 0),
            2 => JsonValue.Create(random.Next(-5, 1_000_000)),
            3 => new JsonArray(JsonValue.Create("a"), JsonValue.Create(1)),
            4 => new JsonObject { ["a"] = 1 },
            5 when schema?["maxLength"]?.GetValue<int>() is { } max => JsonValue.Create(new string('m', max + 1)),
            6 => JsonValue.Create(Guid(random).ToString() + "x"),
            _ => JsonValue.Create(HostileString()),
        };
    }
}
