using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Leadgate.Tests.Infrastructure;

/// <summary>
/// The app's OpenAPI document as a contract every API response is held to (issue 15, acceptance 5): the operation is
/// found by method and path template, the status must be one the operation documents, the body must validate (JSON
/// Schema 2020-12, JsonSchema.Net) against the schema documented for that status and content type, and the headers the
/// API's write protocol uses (ETag, Location, Idempotent-Replayed, Retry-After) may only be sent where documented.
/// </summary>
public sealed partial class ResponseContract
{
    /// <summary>Where the document's component schemas live once registered as one JSON Schema resource.</summary>
    private static readonly Uri Root = new("https://leadgate.test/openapi/components");

    /// <summary>Response headers that are part of the API's protocol: one sent must be documented for its status.</summary>
    public static readonly string[] ProtocolHeaders = ["ETag", "Location", "Idempotent-Replayed", "Retry-After"];

    private static readonly AsyncLocal<int> SuspendedDepth = new();

    private readonly List<Operation> _operations = [];
    private readonly BuildOptions _build = new() { SchemaRegistry = new SchemaRegistry() };

    /// <summary>
    /// The schemas built so far, by their text. Building resolves references through the registry, whose dictionaries
    /// are not safe for concurrent use: requests a test sends at once (Task.WhenAll) build and evaluate one at a time.
    /// </summary>
    private readonly Dictionary<string, JsonSchema> _built = new(StringComparer.Ordinal);

    private readonly Lock _schemaLock = new();

    public ResponseContract(string openApiJson)
    {
        var document = JsonNode.Parse(openApiJson)!.AsObject();
        var schemas = document["components"]?["schemas"]?.DeepClone() as JsonObject ?? [];
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = Root.ToString(),
            ["$defs"] = RewriteRefs(schemas),
        };
        // Building the root registers it (by its $id) in this contract's own registry, where each response schema finds it.
        JsonSchema.FromText(root.ToJsonString(), _build);

        foreach (var (template, item) in document["paths"]?.AsObject() ?? [])
        {
            var pattern = new Regex("^" + PathParameter().Replace(Regex.Escape(template).Replace("\\{", "{", StringComparison.Ordinal), "[^/]+") + "$", RegexOptions.CultureInvariant);
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation is not JsonObject op || method is "parameters" or "summary" or "description" or "servers")
                {
                    continue;
                }

                _operations.Add(new Operation(method.ToUpperInvariant(), template, pattern, op["responses"] as JsonObject ?? []));
            }
        }
    }

    /// <summary>
    /// Turns the check off for the current async flow until disposed, for a test that sends deliberately malformed or
    /// undocumented traffic and asserts on the answer itself.
    /// </summary>
    public static IDisposable Suspend()
    {
        SuspendedDepth.Value++;
        return new Resume();
    }

    public static bool IsSuspended => SuspendedDepth.Value > 0;

    /// <summary>Every way the response breaks the document; empty when it keeps it.</summary>
    public IReadOnlyList<string> Check(string method, string path, int status, IEnumerable<string> headerNames, string? mediaType, string body)
    {
        var errors = new List<string>();
        var candidates = _operations.Where(o => o.Pattern.IsMatch(path)).ToList();
        if (candidates.Count == 0)
        {
            errors.Add($"the document has no path matching {path}");
            return errors;
        }

        // A literal segment wins over a parameter (/leads/export before /leads/{id}).
        var operation = candidates.Where(o => o.Method == method).OrderBy(o => o.Template.Count(c => c == '{')).FirstOrDefault();
        if (operation is null)
        {
            errors.Add($"the document has no {method} operation on {candidates[0].Template}");
            return errors;
        }

        var response = operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]
            ?? operation.Responses[$"{status / 100}XX"]
            ?? operation.Responses["default"];
        var where = $"{method} {operation.Template}";
        if (response is not JsonObject documented)
        {
            errors.Add($"status {status} is not documented for {where} (documented: {string.Join(", ", operation.Responses.Select(r => r.Key))})");
            return errors;
        }

        var documentedHeaders = (documented["headers"] as JsonObject)?.Select(h => h.Key).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        var sent = headerNames.ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var header in ProtocolHeaders.Where(sent.Contains))
        {
            if (!documentedHeaders.Contains(header))
            {
                errors.Add($"header {header} is sent but not documented for {status} of {where}");
            }
        }

        foreach (var (header, definition) in documented["headers"] as JsonObject ?? [])
        {
            if ((bool?)definition?["required"] == true && !sent.Contains(header))
            {
                errors.Add($"header {header} is documented as required for {status} of {where} but not sent");
            }
        }

        var content = documented["content"] as JsonObject;
        if (string.IsNullOrEmpty(body))
        {
            return errors;
        }

        if (content is null || content.Count == 0)
        {
            errors.Add($"a {mediaType} body is sent but {status} of {where} documents no content");
            return errors;
        }

        var media = content[mediaType ?? ""] ?? content.FirstOrDefault(c => MediaMatches(c.Key, mediaType)).Value;
        if (media is null)
        {
            errors.Add($"content type {mediaType} is not documented for {status} of {where} (documented: {string.Join(", ", content.Select(c => c.Key))})");
            return errors;
        }

        if (media["schema"] is not JsonNode schemaNode || mediaType is null || !mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return errors;
        }

        JsonElement instance;
        try
        {
            using var parsed = JsonDocument.Parse(body);
            instance = parsed.RootElement.Clone();
        }
        catch (JsonException e)
        {
            errors.Add($"the {mediaType} body is not JSON: {e.Message}");
            return errors;
        }

        var text = RewriteRefs(schemaNode.DeepClone()).ToJsonString();
        EvaluationResults result;
        lock (_schemaLock)
        {
            if (!_built.TryGetValue(text, out var schema))
            {
                schema = JsonSchema.FromText(text, _build);
                _built[text] = schema;
            }

            result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        }
        if (!result.IsValid)
        {
            var before = errors.Count;
            Collect(result, errors);
            if (errors.Count == before)
            {
                errors.Add("the body does not validate against the documented schema");
            }
        }

        return errors;
    }

    /// <summary>
    /// The errors of the invalid nodes only: a valid node's subtree is left out, so the branches a oneOf/anyOf tried and
    /// dropped on its way to a match are not reported as errors.
    /// </summary>
    private static void Collect(EvaluationResults node, List<string> errors)
    {
        if (node.IsValid)
        {
            return;
        }

        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            errors.Add($"body {(node.InstanceLocation.ToString() is { Length: > 0 } where ? where : "/")} ({node.EvaluationPath} {keyword}): {message}");
        }

        var at = node.InstanceLocation.ToString() is { Length: > 0 } location ? location : "/";
        var invalidChildren = (node.Details ?? []).Where(c => !c.IsValid).ToList();
        if ((node.Errors is null || node.Errors.Count == 0) && invalidChildren.Count == 0)
        {
            // JsonSchema.Net gives some failures no message (a oneOf that more than one branch matches): name the place.
            errors.Add($"body {at} ({node.EvaluationPath}): does not validate (for a oneOf: more than one branch matches)");
        }

        foreach (var child in invalidChildren)
        {
            Collect(child, errors);
        }
    }

    private static bool MediaMatches(string documented, string? sent) =>
        sent is not null && (documented == "*/*" || (documented.EndsWith("/*", StringComparison.Ordinal) && sent.StartsWith(documented[..^1], StringComparison.OrdinalIgnoreCase)));

    /// <summary>#/components/schemas/X becomes an absolute reference into the registered root's $defs.</summary>
    private static JsonNode RewriteRefs(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var reference) && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    {
                        obj[key] = Root + "#/$defs/" + reference["#/components/schemas/".Length..];
                    }
                    else if (value is not null)
                    {
                        RewriteRefs(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        RewriteRefs(item);
                    }
                }

                break;
        }

        return node;
    }

    [GeneratedRegex(@"\{[^/}]+\}")]
    private static partial Regex PathParameter();

    private sealed record Operation(string Method, string Template, Regex Pattern, JsonObject Responses);

    private sealed class Resume : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            if (!_done)
            {
                _done = true;
                SuspendedDepth.Value--;
            }
        }
    }
}

/// <summary>
/// Sits in every client <see cref="TestApp"/> hands out: each /api/ response is checked against the app's own document
/// (<see cref="ResponseContract"/>), and one that breaks it fails the test with the method, path, status and what is
/// wrong — unless the test suspended the check for deliberately malformed traffic (<see cref="ResponseContract.Suspend"/>).
/// </summary>
public sealed class ResponseContractHandler(Func<CancellationToken, Task<ResponseContract>> contract) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri?.AbsolutePath ?? "";
        if (ResponseContract.IsSuspended || !path.StartsWith("/api/", StringComparison.Ordinal))
        {
            return response;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var headers = response.Headers.Select(h => h.Key).Concat(response.Content.Headers.Select(h => h.Key));
        var errors = (await contract(cancellationToken)).Check(request.Method.Method, path, (int)response.StatusCode, headers, response.Content.Headers.ContentType?.MediaType, body);
        if (errors.Count > 0)
        {
            throw new ResponseContractException(
                $"{request.Method} {path} answered {(int)response.StatusCode} outside the OpenAPI document:\n  - {string.Join("\n  - ", errors)}\nBody: {(body.Length > 2000 ? body[..2000] + "…" : body)}");
        }

        return response;
    }
}

public sealed class ResponseContractException(string message) : Exception(message);
