using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Leadgate.Web.Cli;

/// <summary>
/// One <c>fuzz api</c> run against a started app: the seeding requests (leads in several stages, a webhook source, a
/// form), then generated and mutated requests until the time is up, each judged as it comes back.
/// </summary>
internal sealed class FuzzApiRun(
    HttpClient client, JsonNode document, IReadOnlyList<ApiOperation> operations, IReadOnlyList<(string Role, string Key)> keys,
    Random random, FuzzApi.Options options, CliContext cli)
{
    private const string Surrogate = "__FUZZ_SURROGATE__";
    private const string Infinity = "__FUZZ_INFINITY__";
    private static readonly JsonSerializerOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly string[] ProblemMembers = ["type", "title", "detail"];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private readonly FuzzApiSchema _schema = new(document, random);
    private readonly BenchClock _clock = BenchClock.Start();

    /// <summary>Ids and keys seen in answers, by the resource they belong to (<c>leads</c>, <c>deals</c>, <c>forms</c>, …).</summary>
    private readonly SortedDictionary<string, List<string>> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _etags = new(StringComparer.Ordinal);
    private readonly List<string> _usedIdempotencyKeys = [];
    private string? _sourceSecret;

    public long Requests { get; private set; }

    public long Findings { get; private set; }

    public long Hangs { get; private set; }

    /// <summary>Requests the HTTP server refused before the app saw them (an empty 400, 414 or 431 closing the connection).</summary>
    public long ServerRefusals { get; private set; }

    public HashSet<string> Covered { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<int, long> Statuses { get; } = [];

    public SortedDictionary<string, string> Distinct { get; } = new(StringComparer.Ordinal);

    public TimeSpan Elapsed => _clock.Elapsed;

    private string Key(string role) => keys.First(k => k.Role == role).Key;

    /// <summary>Valid requests through the API itself: leads, a webhook source and a form, then leads moved on through the funnel.</summary>
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var admin = Key("Admin");
        foreach (var _ in Enumerable.Range(0, 8))
        {
            await SendValidAsync("POST", "/api/v1/leads", admin, cancellationToken);
        }

        await SendValidAsync("POST", "/api/v1/settings/webhook-sources", admin, cancellationToken);
        await SendValidAsync("POST", "/api/v1/settings/forms", admin, cancellationToken);
        await SendValidAsync("GET", "/api/v1/users", admin, cancellationToken);
        var leads = Ids("leads").ToList();
        foreach (var (lead, i) in leads.Select((l, i) => (l, i)))
        {
            if (i % 4 >= 1)
            {
                await SendValidAsync("POST", "/api/v1/leads/{id}/mark-mql", Key("Marketing"), cancellationToken, lead);
            }

            if (i % 4 >= 2)
            {
                await SendValidAsync("POST", "/api/v1/leads/{id}/claim", Key("Sales"), cancellationToken, lead);
                await SendValidAsync("POST", "/api/v1/leads/{id}/accept", Key("Sales"), cancellationToken, lead);
                await SendValidAsync("POST", "/api/v1/leads/{id}/activities", Key("Sales"), cancellationToken, lead);
                await SendValidAsync("GET", "/api/v1/leads/{id}", Key("Sales"), cancellationToken, lead);
            }
        }

        foreach (var deal in Ids("deals").Where((_, i) => i % 2 == 0).ToList())
        {
            await SendValidAsync("POST", "/api/v1/deals/{id}/proposal", Key("Sales"), cancellationToken, deal);
        }

        // Every operation once with a valid request, in the document's order, before the random part.
        foreach (var operation in operations)
        {
            await SendAsync(operation, Build(operation, mutate: false), cancellationToken);
        }
    }

    public async Task FuzzAsync(CancellationToken cancellationToken)
    {
        var deadline = TimeSpan.FromSeconds(options.Seconds);
        var nextProgress = TimeSpan.FromSeconds(5);
        while (_clock.Elapsed < deadline && !cancellationToken.IsCancellationRequested)
        {
            var operation = operations[random.Next(operations.Count)];
            await SendAsync(operation, Build(operation, mutate: random.Next(5) > 0), cancellationToken);
            if (_clock.Elapsed >= nextProgress)
            {
                nextProgress += TimeSpan.FromSeconds(5);
                await cli.Console.Error.WriteLineAsync(FormattableString.Invariant(
                    $"fuzz api: {_clock.Elapsed.TotalSeconds:0} s, {Requests:N0} requests ({Requests / _clock.Elapsed.TotalSeconds:0}/s), {Covered.Count}/{operations.Count} operations, {string.Join(" ", Statuses.Select(s => $"{s.Key}:{s.Value}"))}, {Findings} findings"));
            }
        }

        _clock.Stop();
    }

    private List<string> Ids(string resource) => _ids.TryGetValue(resource, out var list) ? list : [];

    private async Task SendValidAsync(string method, string template, string key, CancellationToken cancellationToken, string? id = null)
    {
        if (operations.FirstOrDefault(o => o.Method == method && o.Template == template) is not { } operation)
        {
            return;
        }

        var request = Build(operation, mutate: false);
        request = request with { Key = key, Path = id is null ? request.Path : operation.Template.Replace("{id}", id, StringComparison.Ordinal) };
        await SendAsync(operation, request, cancellationToken);
    }

    /// <summary>A request as it is sent and saved: the path with its query, the headers, the body and its media type.</summary>
    internal sealed record Request(string Method, string Path, string? Key, List<KeyValuePair<string, string>> Headers, byte[]? Body, string? ContentType);

    private Request Build(ApiOperation operation, bool mutate)
    {
        var path = operation.Template;
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path"))
        {
            path = path.Replace("{" + parameter.Name + "}", Uri.EscapeDataString(PathValue(operation, parameter, mutate)), StringComparison.Ordinal);
        }

        var query = new List<string>();
        foreach (var parameter in operation.Parameters.Where(p => p.In == "query"))
        {
            if (!mutate ? random.Next(3) == 0 : random.Next(2) == 0)
            {
                foreach (var value in QueryValues(parameter, mutate))
                {
                    query.Add(Uri.EscapeDataString(parameter.Name) + "=" + value);
                }
            }
        }

        if (mutate && random.Next(10) == 0)
        {
            query.Add("unknown" + random.Next(10).ToString(CultureInfo.InvariantCulture) + "=" + Uri.EscapeDataString(Clip(_schema.HostileString(), 50)));
        }

        var headers = new List<KeyValuePair<string, string>>();
        var etagKey = operation.Template + "|" + path;
        if (operation.Method is "PATCH" or "PUT" or "DELETE" || operation.Parameters.Any(p => p.In == "header" && p.Name == "If-Match"))
        {
            var choice = random.Next(mutate ? 5 : 2);
            if (choice == 0 && _etags.TryGetValue(path, out var current))
            {
                headers.Add(new("If-Match", current));
            }
            else if (choice >= 2)
            {
                headers.Add(new("If-Match", random.Next(4) switch { 0 => "\"0\"", 1 => "*", 2 => "garbage", _ => "W/\"" + random.Next(1000).ToString(CultureInfo.InvariantCulture) + "\"" }));
            }
        }

        if (operation.Method == "POST" && (random.Next(3) == 0 || operation.Parameters.Any(p => p.In == "header" && p.Name == "Idempotency-Key")))
        {
            var idempotency = !mutate || random.Next(3) > 0 ? FuzzApiSchema.Guid(random).ToString()
                : random.Next(3) switch
                {
                    0 when _usedIdempotencyKeys.Count > 0 => _usedIdempotencyKeys[random.Next(_usedIdempotencyKeys.Count)],
                    1 => new string('k', random.Next(200, 5_000)),
                    _ => "",
                };
            headers.Add(new("Idempotency-Key", idempotency));
            if (_usedIdempotencyKeys.Count < 200 && idempotency.Length is > 0 and < 100)
            {
                _usedIdempotencyKeys.Add(idempotency);
            }
        }

        foreach (var parameter in operation.Parameters.Where(p => p.In == "header" && p.Name is not ("If-Match" or "Idempotency-Key")))
        {
            if (random.Next(2) == 0)
            {
                headers.Add(new(parameter.Name, mutate && random.Next(2) == 0 ? Ascii(_schema.HostileString()) : _schema.Valid(parameter.Schema, parameter.Name)?.ToString() ?? ""));
            }
        }

        var (body, contentType) = Body(operation, mutate);
        if (operation.Template.StartsWith("/hooks/", StringComparison.Ordinal) && body is not null)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var stamp = !mutate || random.Next(2) == 0 ? now : now - 600;
            headers.Add(new("X-Leadgate-Timestamp", stamp.ToString(CultureInfo.InvariantCulture)));
            headers.Add(new("X-Leadgate-Signature", _sourceSecret is not null && random.Next(4) > 0 ? FuzzApi.Signature(_sourceSecret, stamp, body) : "sha256=" + new string('0', random.Next(3) == 0 ? 10 : 64)));
        }

        string? key = random.Next(40) switch
        {
            0 => null,
            1 => "lg_garbage_" + random.Next(1000).ToString(CultureInfo.InvariantCulture),
            _ => keys[random.Next(keys.Count)].Key,
        };
        return new Request(operation.Method, query.Count == 0 ? path : path + "?" + string.Join("&", query), key, headers, body, contentType);
    }

    private static string Clip(string text, int length) => text.Length > length ? text[..length] : text;

    private static string Ascii(string text) => new([.. text.Where(c => c is >= ' ' and < (char)127).Take(200)]);

    private string PathValue(ApiOperation operation, ApiParameter parameter, bool mutate)
    {
        var resource = Resource(operation.Template, parameter.Name);
        var known = Ids(resource).ToList();
        var roll = mutate ? random.Next(10) : 0;
        return roll switch
        {
            < 6 when known.Count > 0 => known[random.Next(known.Count)],
            < 8 => FuzzApiSchema.Guid(random).ToString(),
            8 => random.Next(6) switch { 0 => "x", 1 => "00000000-0000-0000-0000-000000000000", 2 => "1", 3 => new string('9', 5_000), 4 => "\ud800", _ => "..%2F" },
            // Kestrel refuses a NUL in the path before the app sees it: nothing of the API's to test there.
            _ => Clip(_schema.HostileString(), 300).Replace("\0", "", StringComparison.Ordinal),
        };
    }

    /// <summary>The resource of a path parameter: <c>{id}</c> after <c>/leads</c> is a lead, <c>{activityId}</c> an activity.</summary>
    private static string Resource(string template, string parameter)
    {
        if (parameter != "id")
        {
            return parameter switch
            {
                "sourceKey" => "webhook-sources-keys",
                "formKey" => "forms-keys",
                "activityId" => "activities",
                _ => (parameter.EndsWith("Id", StringComparison.Ordinal) ? parameter[..^2] : parameter) + "s",
            };
        }

        var segments = template.Split('/');
        var at = Array.IndexOf(segments, "{id}");
        return at > 0 ? segments[at - 1] : "";
    }

    private IEnumerable<string> QueryValues(ApiParameter parameter, bool mutate)
    {
        var schema = _schema.Deref(parameter.Schema);
        var isArray = FuzzApiSchema.Types(schema).Contains("array");
        var item = isArray ? _schema.Deref(schema?["items"]) : schema;
        if (!mutate || random.Next(3) == 0)
        {
            var count = isArray ? random.Next(1, 3) : 1;
            for (var i = 0; i < count; i++)
            {
                yield return Uri.EscapeDataString(Text(_schema.Valid(item, parameter.Name)));
            }

            yield break;
        }

        var members = item?["enum"] as JsonArray;
        switch (random.Next(9))
        {
            case 0 when members is { Count: > 1 }:
                yield return Uri.EscapeDataString(string.Join(",", members.Take(2).Select(m => m?.ToString())));
                break;
            case 1 when members is { Count: > 0 }:
                var member = members[random.Next(members.Count)]?.ToString() ?? "";
                yield return Uri.EscapeDataString(random.Next(2) == 0 ? member.ToUpperInvariant() : member.ToLowerInvariant());
                break;
            case 2:
                yield return random.Next(6).ToString(CultureInfo.InvariantCulture);
                break;
            case 3:
                yield return Uri.EscapeDataString(Clip(Text(_schema.Wrong(item)), 2_000));
                break;
            case 4:
                yield return random.Next(2) == 0 ? "%ED%A0%80" : "%FF%FE"; // a lone surrogate in UTF-8, invalid UTF-8
                break;
            case 5:
                // Long, but inside Kestrel's 8 KB request line (past it Kestrel answers 414 itself, see ServerRefusals).
                yield return new string('q', random.Next(2) == 0 ? 1_000 : 6_000);
                break;
            case 6:
                yield return random.Next(5) switch { 0 => "-1", 1 => "0", 2 => "2147483648", 3 => "1e999", _ => "NaN" };
                break;
            case 7:
                yield return "";
                yield return Uri.EscapeDataString(Text(_schema.Valid(item, parameter.Name)));
                break;
            default:
                yield return Uri.EscapeDataString(Ascii(_schema.HostileString()));
                break;
        }
    }

    private static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => value.ToJsonString(),
    };

    private (byte[]? Body, string? ContentType) Body(ApiOperation operation, bool mutate)
    {
        var publicIntake = operation.Template.StartsWith("/hooks/", StringComparison.Ordinal) || operation.Template.StartsWith("/forms/", StringComparison.Ordinal);
        if (operation.Bodies.Count == 0 && !publicIntake)
        {
            return mutate && operation.Method != "GET" && random.Next(8) == 0 ? ("{\"unexpected\":true}"u8.ToArray(), "application/json") : (null, null);
        }

        var (mediaType, schema) = operation.Bodies.Count > 0 ? operation.Bodies[random.Next(operation.Bodies.Count)] : ("application/json", null);
        byte[] body;
        if (mediaType == "text/csv" || mediaType.StartsWith("multipart/", StringComparison.Ordinal))
        {
            body = Encoding.UTF8.GetBytes($"email,first_name,company\n{_schema.ValidString(new JsonObject(), "email")},Ann,Acme {random.Next(100)}\n");
        }
        else if (mediaType == "application/x-www-form-urlencoded")
        {
            body = Encoding.UTF8.GetBytes($"email={Uri.EscapeDataString(_schema.ValidString(new JsonObject(), "email"))}&firstName=Ann&consent=true");
        }
        else
        {
            var value = schema is null ? IntakeBody() : _schema.Valid(schema);
            var text = mutate ? MutateJson(value, schema) : value?.ToJsonString(Compact) ?? "null";
            body = Encoding.UTF8.GetBytes(text.Replace(Surrogate, "\\ud800", StringComparison.Ordinal).Replace(Infinity, "1e999", StringComparison.Ordinal));
        }

        if (mutate && random.Next(6) == 0)
        {
            body = MutateBytes(body);
        }

        var contentType = mediaType.StartsWith("multipart/", StringComparison.Ordinal) ? "multipart/form-data" : mediaType;
        if (mutate && random.Next(10) == 0)
        {
            contentType = random.Next(5) switch { 0 => null, 1 => "text/plain", 2 => "application/xml", 3 => "application/json; charset=latin1", _ => "application/x-www-form-urlencoded" };
        }

        return (body, contentType);
    }

    private JsonObject IntakeBody() => new()
    {
        ["externalId"] = FuzzApiSchema.Guid(random).ToString(),
        ["type"] = random.Next(2) == 0 ? "EmailOpened" : "Replied",
        ["email"] = _schema.ValidString(new JsonObject(), "email"),
        ["firstName"] = "Ann",
        ["consent"] = true,
        ["occurredAt"] = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture),
    };

    /// <summary>1 to 4 changes to the JSON value, each at a random object of it, then written out.</summary>
    private string MutateJson(JsonNode? value, JsonNode? schema)
    {
        if (random.Next(12) == 0)
        {
            return random.Next(6) switch
            {
                0 => "",
                1 => "null",
                2 => new string('[', 5_000) + new string(']', 5_000),
                3 => string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200),
                4 => "[]",
                _ => "\"text\"",
            };
        }

        for (var i = random.Next(1, 5); i > 0; i--)
        {
            var (target, targetSchema) = PickObject(value, schema);
            if (target is null)
            {
                value = _schema.Wrong(schema);
                break;
            }

            var names = target.Select(p => p.Key).ToList();
            var name = names.Count > 0 ? names[random.Next(names.Count)] : "name";
            var propertySchema = _schema.Deref(targetSchema)?["properties"]?[name];
            switch (random.Next(10))
            {
                case 0:
                    target.Remove(name);
                    break;
                case 1:
                    target["unknown" + random.Next(100).ToString(CultureInfo.InvariantCulture)] = _schema.Valid(null);
                    break;
                case 2:
                    target[name] = null;
                    break;
                case 3 when target.ContainsKey(name):
                {
                    var moved = target[name]?.DeepClone();
                    target.Remove(name);
                    target[random.Next(3) switch { 0 => name.ToUpperInvariant(), 1 => name + Surrogate, _ => Surrogate }] = moved;
                    break;
                }

                case 4:
                    target[name] = JsonValue.Create(Infinity);
                    break;
                case 5:
                    target[name] = JsonValue.Create(random.Next(2) == 0 ? Surrogate : "x" + Surrogate + "y");
                    break;
                default:
                    target[name] = _schema.Wrong(propertySchema);
                    break;
            }
        }

        var text = value?.ToJsonString(Compact) ?? "null";
        text = text.Replace("\"" + Infinity + "\"", Infinity, StringComparison.Ordinal);
        if (random.Next(8) == 0 && text.StartsWith('{') && text.Length > 2)
        {
            // A duplicate property: the first one again at the end.
            var comma = text.IndexOf(',', StringComparison.Ordinal);
            var first = comma > 0 ? text[1..comma] : text[1..^1];
            text = text[..^1] + "," + first + "}";
        }

        return text;
    }

    /// <summary>The root object or one nested in it, with its schema when known.</summary>
    private (JsonObject? Target, JsonNode? Schema) PickObject(JsonNode? value, JsonNode? schema)
    {
        var candidates = new List<(JsonObject, JsonNode?)>();
        void Walk(JsonNode? node, JsonNode? nodeSchema, int depth)
        {
            nodeSchema = _schema.Deref(nodeSchema);
            if (depth > 6)
            {
                return;
            }

            if ((nodeSchema?["anyOf"] ?? nodeSchema?["oneOf"]) is JsonArray choices)
            {
                nodeSchema = choices.AsArray().Select(c => _schema.Deref(c)).FirstOrDefault(c => c?["properties"] is not null || c?["items"] is not null) ?? nodeSchema;
            }

            switch (node)
            {
                case JsonObject obj:
                    candidates.Add((obj, nodeSchema));
                    foreach (var (name, child) in obj.ToList())
                    {
                        Walk(child, nodeSchema?["properties"]?[name] ?? nodeSchema?["additionalProperties"] as JsonObject, depth + 1);
                    }

                    break;
                case JsonArray array:
                    foreach (var child in array.ToList())
                    {
                        Walk(child, nodeSchema?["items"], depth + 1);
                    }

                    break;
            }
        }

        Walk(value, schema, 0);
        return candidates.Count == 0 ? (null, null) : candidates[random.Next(candidates.Count)];
    }

    private byte[] MutateBytes(byte[] body)
    {
        var data = new List<byte>(body);
        switch (random.Next(4))
        {
            case 0 when data.Count > 1:
                var cut = random.Next(1, data.Count);
                data.RemoveRange(cut, data.Count - cut); // truncated
                break;
            case 1:
                data.InsertRange(random.Next(data.Count + 1), [0xC3, 0x28, 0xFF]);
                break;
            case 2:
                data.InsertRange(random.Next(data.Count + 1), [0xED, 0xA0, 0x80]);
                break;
            default:
                data.Clear();
                break;
        }

        return [.. data];
    }

    private async Task SendAsync(ApiOperation operation, Request request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(request.Path, UriKind.Relative));
        if (request.Key is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", request.Key);
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.Body is not null)
        {
            if (request.ContentType == "multipart/form-data")
            {
                var multipart = new MultipartFormDataContent();
                var file = new ByteArrayContent(request.Body);
                file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
                multipart.Add(file, "file", "leads.csv");
                message.Content = multipart;
            }
            else
            {
                message.Content = new ByteArrayContent(request.Body);
                if (request.ContentType is not null)
                {
                    message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
                }
            }
        }

        Requests++;
        Covered.Add(operation.Name);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        HttpResponseMessage response;
        byte[] answer;
        try
        {
            response = await client.SendAsync(message, timeout.Token);
            answer = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Hangs++;
            await FindingAsync(operation, request, 0, $"hang: no answer within {options.TimeoutSeconds} s", []);
            return;
        }
        catch (HttpRequestException exception)
        {
            await FindingAsync(operation, request, 0, "connection: " + exception.Message, []);
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
            if (status is 400 or 414 or 431 && answer.Length == 0 && response.Content.Headers.ContentType is null && response.Headers.ConnectionClose == true)
            {
                // Kestrel refused the request while parsing it (a NUL in the path, a request line or headers past its
                // limits) and closed the connection: no app code ran, so there is no problem to write.
                ServerRefusals++;
                return;
            }

            if (Judge(status, response.Content.Headers.ContentType?.MediaType, answer) is { } problem)
            {
                await FindingAsync(operation, request, status, problem, answer);
            }
            else if (status is >= 200 and < 300)
            {
                Harvest(operation, request, response, answer);
            }
        }
    }

    /// <summary>What is wrong with an answer, or null: a 5xx, or a 4xx that is not a complete problem.</summary>
    internal static string? Judge(int status, string? mediaType, byte[] body)
    {
        if (status >= 500)
        {
            return "server error";
        }

        if (status < 400)
        {
            return null;
        }

        if (mediaType != "application/problem+json")
        {
            return $"not application/problem+json ({mediaType ?? "no content type"})";
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            string? Text(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0 ? v.GetString() : null;
            var missing = ProblemMembers.Where(n => Text(n) is null).ToList();
            if (missing.Count > 0)
            {
                return "problem without " + string.Join(", ", missing);
            }

            return root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var value) && value == status
                ? null : "problem status is not the HTTP status";
        }
        catch (JsonException)
        {
            return "problem is not JSON";
        }
    }

    private async Task FindingAsync(ApiOperation operation, Request request, int status, string what, byte[] answer)
    {
        Findings++;
        var distinct = $"{operation.Method} {operation.Template} {(status == 0 ? "-" : status.ToString(CultureInfo.InvariantCulture))}: {what}";
        if (Distinct.ContainsKey(distinct))
        {
            return;
        }

        options.Crashes.Create();
        var saved = JsonSerializer.Serialize(new
        {
            finding = distinct,
            method = request.Method,
            template = operation.Template,
            path = request.Path.Length > 4_000 ? request.Path[..4_000] + "…" : request.Path,
            role = keys.FirstOrDefault(k => k.Key == request.Key).Role ?? (request.Key is null ? "none" : "garbage key"),
            headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.Length > 300 ? h.Value[..300] + "…" : h.Value),
            contentType = request.ContentType,
            bodyBase64 = request.Body is null ? null : Convert.ToBase64String(request.Body),
            body = request.Body is null ? null : Encoding.UTF8.GetString(request.Body, 0, Math.Min(request.Body.Length, 4_000)),
            status,
            answer = Encoding.UTF8.GetString(answer, 0, Math.Min(answer.Length, 2_000)),
        }, Indented);
        var file = Path.Combine(options.Crashes.FullName, $"api-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(distinct)))[..16]}.json");
        await File.WriteAllTextAsync(file, saved);
        Distinct[distinct] = file;
        await cli.Console.Error.WriteLineAsync($"fuzz api: FINDING ({file}): {distinct}");
    }

    /// <summary>Remembers ids, keys, secrets and ETags from a successful answer, for later paths and headers.</summary>
    private void Harvest(ApiOperation operation, Request request, HttpResponseMessage response, byte[] answer)
    {
        var path = request.Path.Split('?')[0];
        if (response.Headers.ETag is { } etag)
        {
            _etags[path] = etag.ToString();
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/json" || answer.Length == 0)
        {
            return;
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(answer);
        }
        catch (JsonException)
        {
            return;
        }

        if (operation.Method == "GET" && operation.Template == "/api/v1/api-keys")
        {
            // The listing holds the fuzzer's own keys: revoking them would turn the rest of the run into 401s.
            return;
        }

        var segments = operation.Template.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resource = segments.LastOrDefault(s => !s.StartsWith('{') && s is not ("mark-mql" or "accept" or "reject" or "disqualify" or "assign" or "claim" or "proposal" or "won" or "lost" or "read" or "bant")) ?? "";
        if (resource == "source" || operation.Template.EndsWith("/webhook-sources", StringComparison.Ordinal))
        {
            resource = "webhook-sources";
        }

        void Add(string pool, string value)
        {
            if (!_ids.TryGetValue(pool, out var list))
            {
                _ids[pool] = list = [];
            }

            if (list.Count < 50 && !list.Contains(value, StringComparer.Ordinal))
            {
                list.Add(value);
            }
        }

        void Walk(JsonNode? node, string owner, int depth)
        {
            if (depth > 4)
            {
                return;
            }

            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj)
                    {
                        if (child is JsonValue value && value.TryGetValue<string>(out var text))
                        {
                            if (name == "id" && Guid.TryParse(text, out _))
                            {
                                Add(owner, text);
                            }
                            else if (name.EndsWith("Id", StringComparison.Ordinal) && Guid.TryParse(text, out _))
                            {
                                Add(Resource("/", name), text);
                            }
                            else if (name == "key" && owner is "forms" or "webhook-sources")
                            {
                                Add(owner == "forms" ? "forms-keys" : "webhook-sources-keys", text);
                            }
                            else if (name == "secret" && owner == "webhook-sources")
                            {
                                _sourceSecret = text;
                            }
                        }
                        else
                        {
                            Walk(child, name switch
                            {
                                "deal" => "deals",
                                "source" => "webhook-sources",
                                "activities" => "activities",
                                "items" or "leads" or "value" => owner,
                                _ => "-" + name,
                            }, depth + 1);
                        }
                    }

                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        Walk(child, owner, depth + 1);
                    }

                    break;
            }
        }

        Walk(root, resource, 0);
    }
}
