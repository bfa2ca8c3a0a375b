using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Leadgate.Web.Api;

/// <summary>
/// The OpenAPI document as generated clients and linters read it (docs/api.md, "The document"): every operation with its
/// operationId, the problem schema and every error status it can answer, the headers of the write protocol (If-Match,
/// ETag, Idempotency-Key, Idempotent-Replayed, Location, Retry-After), public operations marked public, enums as
/// strings, money as decimal, required fields not nullable, one naming convention for schemas.
/// </summary>
internal static class ApiDocument
{
    public const string ProblemSchema = "Problem";
    private const string ProblemMediaType = "application/problem+json";

    public static void Configure(OpenApiOptions options)
    {
        options.CreateSchemaReferenceId = SchemaName;
        options.AddDocumentTransformer(Describe);
        options.AddSchemaTransformer(Exact);
        options.AddOperationTransformer(Complete);
    }

    /// <summary>
    /// One convention: a schema only sent to the API ends in <c>Request</c>; what the API answers (or takes and answers
    /// alike) is a bare noun. Framework types (<c>JsonElement</c>, <c>IFormFile</c>) are inlined, not named.
    /// </summary>
    private static string? SchemaName(System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        if (type.Type == typeof(JsonElement) || type.Type == typeof(JsonElement?) || typeof(IFormFile).IsAssignableFrom(type.Type)
            || type.Type == typeof(IFormFileCollection) || type.Type == typeof(JsonNode) || type.Type == typeof(JsonObject))
        {
            return null;
        }

        // A nullable enum is written where it is used, as "null or the enum" (Exact), so the enum itself has no null member.
        if (Nullable.GetUnderlyingType(type.Type) is { IsEnum: true })
        {
            return null;
        }

        var name = OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        if (name is null)
        {
            return null;
        }

        foreach (var suffix in (ReadOnlySpan<string>)["View", "Details"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length)
            {
                return name[..^suffix.Length];
            }
        }

        return name.EndsWith("Input", StringComparison.Ordinal) ? name[..^"Input".Length] + "Request" : name;
    }

    private static Task Describe(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Leadgate API";
        document.Info.Description = "Leads from MQL to SQL to customer. Authenticate with an API key as 'Authorization: Bearer YOUR_KEY' "
            + "(create one under API keys in the app, or with `leadgate apikeys create`). Errors are RFC 9457 problems "
            + "(application/problem+json) with a stable type URI, a detail, the traceId and, for invalid fields, `errors` keyed by field. "
            + "Writes to leads and deals take If-Match with the ETag you read (412 with currentETag when it changed); creating writes "
            + "take an Idempotency-Key, so a retry changes nothing. The rules: docs/api.md.";
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        document.Info.License = new OpenApiLicense { Name = "MIT", Identifier = "MIT" };
        document.Info.Contact = new OpenApiContact { Name = "Leadgate", Url = new Uri("https://leadgate.dev") };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A personal Leadgate API key; it acts as its user.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] }];
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = Problem();
        NullableEnums(document);

        // Tags in the order a reader meets the funnel, each saying what it holds.
        var tags = new (string Name, string Description)[]
        {
            ("Leads", "People who may buy: created, imported or captured, scored, handed over and qualified."),
            ("Events", "Behaviour events (visits, downloads, demo requests) that make up the engagement score."),
            ("Inbox", "The sales inbox of handed-over MQLs and claiming from the shared queue."),
            ("Qualification", "BANT qualification, the SQL priority list and marketing's feedback on sent-back MQLs."),
            ("Deals", "What an accepted lead becomes: a deal with a value and a close date, until won or lost."),
            ("Models", "Predictive scoring: the likelihood models trained on the organisation's closed leads, their versions and the active one."),
            ("Reports", "The funnel and the forecast, every figure defined in docs/reports.md: for managers, admins and marketing."),
            ("Imports", "CSV imports of leads, with a row report."),
            ("Notifications", "In-app notifications of the calling user."),
            ("Intake", "Public endpoints for web forms and outreach tools' webhooks."),
            ("Agency", "An outreach agency and its client organisations: links, hand-overs of replying leads, and what became of them (docs/agency.md)."),
            ("Settings", "The organisation's scoring, routing, SLA, qualification, forms, webhook sources and webhooks."),
            ("Directory", "The caller, the organisation, its users and its reasons."),
            ("API keys", "The caller's API keys."),
            ("Privacy", "A person's export and erasure, and the audit log (admin)."),
        };
        var used = document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []).SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>())
            .Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(tags.Where(t => used.Contains(t.Name)).Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
        return Task.CompletedTask;
    }

    private const string NullableEnumMarker = "x-leadgate-nullable-enum";

    /// <summary>
    /// A nullable enum becomes <c>oneOf: [null, $ref]</c>, so the enum's own schema lists its members only: a generated
    /// client gets one enum type and a nullable property of it.
    /// </summary>
    private static void NullableEnums(OpenApiDocument document)
    {
        var schemas = document.Components!.Schemas!;
        foreach (var schema in schemas.Values.ToList())
        {
            Visit(schema);
        }

        foreach (var path in document.Paths.Values)
        {
            foreach (var operation in path.Operations?.Values.AsEnumerable() ?? [])
            {
                foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
                {
                    parameter.Schema = Replaced(parameter.Schema);
                    Visit(parameter.Schema);
                }
            }
        }

        void Visit(IOpenApiSchema? node)
        {
            if (node is not OpenApiSchema schema)
            {
                return;
            }

            if (schema.Properties is { } properties)
            {
                foreach (var name in properties.Keys.ToList())
                {
                    properties[name] = Replaced(properties[name])!;
                    Visit(properties[name]);
                }
            }

            schema.Items = Replaced(schema.Items);
            Visit(schema.Items);
            foreach (var list in new[] { schema.OneOf, schema.AnyOf, schema.AllOf })
            {
                for (var i = 0; i < (list?.Count ?? 0); i++)
                {
                    list![i] = Replaced(list[i])!;
                    Visit(list[i]);
                }
            }
        }

        IOpenApiSchema? Replaced(IOpenApiSchema? node)
        {
            if (node is not OpenApiSchema { Extensions: { } extensions } schema || !extensions.TryGetValue(NullableEnumMarker, out var marker))
            {
                return node;
            }

            var said = ((JsonNodeExtension)marker).Node;
            var name = (string)said["name"]!;
            schemas.TryAdd(name, new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. schema.Enum!.Where(e => e is not null)] });
            if ((bool)said["required"]!)
            {
                return new OpenApiSchemaReference(name, document);
            }

            return new OpenApiSchema
            {
                Description = schema.Description,
                OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, new OpenApiSchemaReference(name, document)],
            };
        }
    }

    /// <summary>RFC 9457 problem details, with the members this API adds.</summary>
    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem: what went wrong, for people (title, detail) and for programs (type, status, and the members of its kind).",
        Required = new HashSet<string> { "type", "title", "status", "detail", "traceId" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", Description = "The kind of problem, a stable URI under https://leadgate.dev/problems/." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The kind of problem, in words." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong this time, and what to do about it." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The path of the request." },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when reporting a problem." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "For invalid fields (400): the messages per field or parameter, as the client named it (company.employees, events[2].type, limit).",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["missing"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "For a transition that needs more (409 transition-requirements-missing): what is missing.",
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "code", "message" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["code"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["message"] = new OpenApiSchema { Type = JsonSchemaType.String },
                    },
                },
            },
            ["action"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "For a refused transition (409): the action that was refused." },
            ["from"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "For a refused transition (409): the lead's stage." },
            ["to"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "For a refused transition (409): the stage it would have reached." },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "For a conflict (409): what it conflicts with." },
            ["fields"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Description = "For an erased person sent again (409 suppressed): the fields that carried their address.",
                Items = new OpenApiSchema { Type = JsonSchemaType.String },
            },
            ["currentETag"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "For a changed resource (412): its ETag now; read it again, then retry with that." },
        },
    };

    /// <summary>Enums as strings of their names, money as decimal, and a required field never null.</summary>
    private static Task Exact(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var required = context.JsonPropertyInfo is { } property
            && (property.IsRequired || property.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true);
        if (ElementOf(type) is { IsEnum: true } member && schema.Type is { } array && array.HasFlag(JsonSchemaType.Array))
        {
            // A collection of an enum: the exporter leaves out its items (the enum's converter is ours); they are the enum.
            schema.Items = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = EnumOf(member),
                Extensions = new Dictionary<string, IOpenApiExtension>
                {
                    [NullableEnumMarker] = new JsonNodeExtension(new JsonObject { ["name"] = member.Name, ["required"] = true }),
                },
            };
        }

        if (underlying.IsEnum && type == underlying)
        {
            schema.Type = JsonSchemaType.String;
            schema.Enum = EnumOf(underlying);
        }
        else if (underlying.IsEnum)
        {
            // Written inline for now; the document transformer makes it "null, or the enum's schema" (NullableEnums).
            schema.Type = JsonSchemaType.String | JsonSchemaType.Null;
            schema.Enum = [.. EnumOf(underlying), null!];
            schema.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            schema.Extensions[NullableEnumMarker] = new JsonNodeExtension(new JsonObject { ["name"] = underlying.Name, ["required"] = required });
        }
        else if (underlying == typeof(decimal))
        {
            schema.Format = "decimal";
        }
        else if (underlying == typeof(string) && context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(AllowedValuesAttribute), inherit: true).FirstOrDefault() is AllowedValuesAttribute allowed)
        {
            // A string with a fixed set of values (a webhook source's tool) is documented as that set.
            schema.Enum = [.. allowed.Values.Select(v => v is string text ? (JsonNode)JsonValue.Create(text) : null!)];
        }

        if (required && schema.Type is { } kinds && kinds.HasFlag(JsonSchemaType.Null))
        {
            schema.Type = kinds & ~JsonSchemaType.Null;
        }

        return Task.CompletedTask;
    }

    /// <summary>The element type of an array or a generic collection; null for anything else (a string is no collection here).</summary>
    private static Type? ElementOf(Type type)
    {
        var element = type.IsArray
            ? type.GetElementType()
            : type.IsGenericType && type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments() is [var only]
                ? only
                : null;
        return element is null ? null : Nullable.GetUnderlyingType(element) ?? element;
    }

    private static List<JsonNode> EnumOf(Type type) => [.. Enum.GetNames(type).Select(n => (JsonNode)JsonValue.Create(n))];

    /// <summary>The errors, headers and security of each operation, from what its endpoint does.</summary>
    private static Task Complete(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var method = context.Description.HttpMethod ?? "GET";
        var reads = HttpMethods.IsGet(method);
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        var version = metadata.OfType<VersionedResource>().LastOrDefault();
        var versioned = version is not null;
        var idempotent = metadata.OfType<IdempotentWrite>().Any();
        var rateLimit = metadata.OfType<EnableRateLimitingAttribute>().LastOrDefault()?.PolicyName;
        var rateLimited = rateLimit is not null;
        var perCaller = rateLimit == RateLimits.Api;
        var hasBody = operation.RequestBody is not null;
        var hasPathParameters = operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true;
        var hasQuery = operation.Parameters?.Any(p => p.In == ParameterLocation.Query) == true;
        operation.Parameters ??= [];
        operation.Responses ??= new OpenApiResponses();

        operation.Description ??= Described(operation.Summary, reads, anonymous, version, idempotent, rateLimited, perCaller);
        if (anonymous)
        {
            // Public: no API key is needed (the form and webhook endpoints are authenticated by their keys and signatures).
            operation.Security = [];
        }

        if (version?.TakesIfMatch == true && !reads)
        {
            operation.Parameters.Add(Header("If-Match", "The ETag you read (such as \"3\"): the change is refused with 412 when the resource changed since. Without it, the change applies to whatever is there."));
        }

        if (idempotent)
        {
            operation.Parameters.Add(Header(Idempotency.Header, $"A key of your choosing (1 to {Idempotency.MaxKeyLength} printable characters): a retry with the same key and body answers as the first time and changes nothing; the same key with another body is refused (422)."));
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (!(status.StartsWith('2') || status.StartsWith('3')) || response is not OpenApiResponse success)
            {
                continue;
            }

            success.Headers ??= new Dictionary<string, IOpenApiHeader>();
            if (versioned && !status.StartsWith('3'))
            {
                success.Headers["ETag"] = ResponseHeader("The resource's version, to send back as If-Match.", required: true);
            }

            if (status is "201" or "302" or "303")
            {
                success.Headers["Location"] = status == "201"
                    ? ResponseHeader("The address of what was created.", required: false)
                    : ResponseHeader("Where to go next.", required: true);
            }

            if (operation.OperationId == "GetLead" && status == "200")
            {
                success.Headers[LeadsApi.MergedIntoHeader] = ResponseHeader("Present when the id asked for is of a lead merged into another: the id of that survivor, whose answer this is.", required: false);
            }

            if (idempotent)
            {
                success.Headers["Idempotent-Replayed"] = ResponseHeader("\"true\" when this is the stored answer to an earlier request with the same Idempotency-Key.", required: false);
            }
        }

        var document = context.Document!;
        if (hasBody || hasQuery || hasPathParameters || idempotent || versioned)
        {
            operation.Responses["400"] = Error(document, "A field, parameter or header is invalid: `errors` names each, as sent.");
        }

        if (!anonymous)
        {
            operation.Responses["401"] = Error(document, "No valid API key was sent.");
            operation.Responses["403"] = Error(document, "Your role may not do this.");
        }

        if (hasPathParameters || operation.Responses.ContainsKey("404"))
        {
            operation.Responses["404"] = Error(document, "There is no such resource in your organisation.");
        }

        if (!reads && !anonymous)
        {
            operation.Responses["409"] = Error(document, "The change conflicts with the resource's state: a refused transition names it (`action`, `from`, `to`), one that needs more says what is `missing`; an erased person sent again is `suppressed`.");
        }
        else if (!reads)
        {
            operation.Responses["409"] = Error(document, "The person was erased at their request and is not taken in again (`suppressed`).");
        }

        if (version?.TakesIfMatch == true && !reads)
        {
            operation.Responses["412"] = Error(document, "The resource changed since you read it: `currentETag` is its version now.");
        }

        if (hasBody)
        {
            operation.Responses["413"] = Error(document, "The body is larger than this endpoint takes.");
            operation.Responses["415"] = Error(document, "The body is not of a media type this endpoint takes.");
        }

        if (idempotent)
        {
            operation.Responses["422"] = Error(document, "The Idempotency-Key was used before with another body.");
        }

        if (rateLimited)
        {
            var tooMany = Error(document, perCaller
                ? "Too many requests with your API key (or as your user): try again after Retry-After seconds."
                : "Too many requests from your address: try again after Retry-After seconds.");
            tooMany.Headers = new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = ResponseHeader("Seconds to wait before trying again.", required: false, JsonSchemaType.Integer) };
            operation.Responses["429"] = tooMany;
        }

        operation.Responses["500"] = Error(document, "A fault on our side; nothing you sent was wrong. Quote the traceId.");
        if (idempotent)
        {
            // A refusal the endpoint answered is kept with its key too, and a retry gets it again as it was.
            foreach (var status in new[] { "400", "403", "404", "409", "412" })
            {
                if (operation.Responses.TryGetValue(status, out var refusal) && refusal is OpenApiResponse kept)
                {
                    kept.Headers = new Dictionary<string, IOpenApiHeader>
                    {
                        ["Idempotent-Replayed"] = ResponseHeader("\"true\" when this is the stored answer to an earlier request with the same Idempotency-Key.", required: false),
                    };
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The operation's summary with what a client must know to call it: the write protocol it follows.</summary>
    private static string Described(string? summary, bool reads, bool anonymous, VersionedResource? version, bool idempotent, bool rateLimited, bool perCaller)
    {
        var text = new System.Text.StringBuilder((summary ?? "").TrimEnd('.')).Append('.');
        text.Append(anonymous ? " Public: no API key; it is called by a web page or an outreach tool." : " Needs an API key; your role decides what you may do.");
        if (version is not null)
        {
            text.Append(" The answer carries the resource's ETag.");
        }

        if (version?.TakesIfMatch == true && !reads)
        {
            text.Append(" Send If-Match with the ETag you read: a change made meanwhile answers 412 and nothing changes.");
        }

        if (idempotent)
        {
            text.Append(" Safe to retry with an Idempotency-Key.");
        }

        if (rateLimited)
        {
            text.Append(perCaller ? " Rate limited per API key or user (429 with Retry-After)." : " Rate limited per client address (429 with Retry-After).");
        }

        return text.Append(" Errors are problems (application/problem+json); see docs/api.md.").ToString();
    }

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = false,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    private static OpenApiHeader ResponseHeader(string description, bool required, JsonSchemaType type = JsonSchemaType.String) => new()
    {
        Description = description,
        Required = required,
        Schema = new OpenApiSchema { Type = type },
    };

    private static OpenApiResponse Error(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [ProblemMediaType] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
        },
    };
}
