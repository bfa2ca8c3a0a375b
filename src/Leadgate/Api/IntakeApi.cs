using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Threading.RateLimiting;
using Leadgate.Common;
using Leadgate.Intake;
using Leadgate.Intake.Outreach;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;

namespace Leadgate.Web.Api;

/// <summary>
/// Leads from outside without an API key: outreach tools' webhooks (<c>/hooks/outreach/{key}</c>, proven by an HMAC
/// signature) and public web forms (<c>/forms/{key}</c>, rate limited per client); and the admin endpoints that manage
/// both under <c>/api/v1/settings</c>. See docs/intake.md.
/// </summary>
public static class IntakeApi
{
    public const string FormRateLimit = "web-forms";

    /// <summary>Submits per minute, per client address and form: enough for a person, too few for a flood.</summary>
    public const int FormSubmitsPerMinute = 10;

    private const int MaxFormBytes = 64 * 1024;

    public static IServiceCollection AddLeadgateIntake(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            // A sliding window, so a burst at the edge of a window cannot pass twice the limit.
            limiter.AddPolicy(FormRateLimit, http => RateLimitPartition.GetSlidingWindowLimiter(
                $"{http.Connection.RemoteIpAddress}|{http.Request.RouteValues["formKey"]}",
                _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = FormSubmitsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    SegmentsPerWindow = 6,
                    QueueLimit = 0,
                }));
            // Refused requests are answered in RateLimits, for every policy alike.
        });

    public static RouteGroupBuilder MapIntakeSettings(this RouteGroupBuilder api)
    {
        var sources = api.MapGroup("/settings/webhook-sources").WithTags("Settings");
        sources.MapPost("/", CreateSource).WithName("CreateWebhookSource").WithSummary("Add an outreach tool as a webhook source (admin); the answer shows its signing secret once");
        sources.MapGet("/", ListSources).WithName("ListWebhookSources").WithSummary("The organisation's webhook sources, without secrets (admin)");
        sources.MapPost("/{id:guid}/rotate", RotateSource).WithName("RotateWebhookSource").WithSummary("Give a webhook source a new secret under the same key (admin); the old secret is refused at once, the new one is shown once");
        sources.MapDelete("/{id:guid}", DeleteSource).WithName("DeleteWebhookSource").WithSummary("Delete a webhook source; its next webhook is refused (admin)");

        var forms = api.MapGroup("/settings/forms").WithTags("Settings");
        forms.MapPost("/", CreateForm).WithName("CreateWebForm").WithIdempotency().WithSummary("Add a public web form with its consent text and optional redirect (marketing or admin)");
        forms.MapGet("/", ListForms).WithName("ListWebForms").WithSummary("The organisation's web forms");
        forms.MapDelete("/{id:guid}", DeleteForm).WithName("DeleteWebForm").WithSummary("Delete a web form; its key then answers 404 (marketing or admin)");
        return api;
    }

    public static IEndpointRouteBuilder MapPublicIntake(this IEndpointRouteBuilder app)
    {
        app.MapPost("/hooks/outreach/{sourceKey}", ReceiveWebhook).WithName("ReceiveOutreachWebhook")
            .Accepts<JsonElement>("application/json")
            .AllowAnonymous().DisableAntiforgery().WithTags("Intake")
            .WithSummary("An outreach tool's event, signed with HMAC-SHA256 over '<timestamp>.<raw body>' (X-Leadgate-Signature, X-Leadgate-Timestamp)");
        app.MapPost("/hooks/{tool}/{sourceKey}", ReceiveToolWebhook).WithName("ReceiveToolWebhook")
            .Accepts<JsonElement>("application/json")
            .AllowAnonymous().DisableAntiforgery().WithTags("Intake")
            .WithSummary("An outreach tool's own webhook (lemlist, instantly, smartlead, woodpecker, replyio; outreach at /hooks/outreach/{key} with Outreach-Webhook-Signature): one event or an array of up to 100");
        app.MapPost("/forms/{formKey}", SubmitForm).WithName("SubmitWebForm")
            .Accepts<WebFormFields>("application/x-www-form-urlencoded", "multipart/form-data", "application/json")
            .Produces<FormAccepted>(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status302Found)
            .AllowAnonymous().DisableAntiforgery().RequireRateLimiting(FormRateLimit).WithTags("Intake")
            .WithSummary("A public web-form submit (form post or JSON); rate limited per client address");
        return app;
    }

    private static async Task<Results<Created<IssuedWebhookSource>, ProblemHttpResult>> CreateSource(
        CreateWebhookSourceRequest request, CreateWebhookSource handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(request, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Created((string?)null, result.Value);
    }

    private static async Task<Results<Ok<IReadOnlyList<WebhookSourceView>>, ProblemHttpResult>> ListSources(
        ListWebhookSources handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    private static async Task<Results<Ok<IssuedWebhookSource>, ProblemHttpResult>> RotateSource(Guid id, RotateWebhookSource handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(id, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteSource(Guid id, DeleteWebhookSource handler, HttpContext http, CancellationToken cancellationToken) =>
        (await handler.HandleAsync(id, http.Actor(), cancellationToken)).Error is { } error ? Problems.ToResult(error) : TypedResults.NoContent();

    private static async Task<Results<Created<WebFormView>, ProblemHttpResult>> CreateForm(
        CreateWebFormRequest request, CreateWebForm handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(request, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Created((string?)null, result.Value);
    }

    private static async Task<Ok<IReadOnlyList<WebFormView>>> ListForms(ListWebForms handler, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await handler.HandleAsync(http.Actor(), cancellationToken));

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteForm(Guid id, DeleteWebForm handler, HttpContext http, CancellationToken cancellationToken) =>
        (await handler.HandleAsync(id, http.Actor(), cancellationToken)).Error is { } error ? Problems.ToResult(error) : TypedResults.NoContent();

    /// <summary>
    /// The raw bytes are read here, unbound, because the signature covers exactly what was sent. A request signed the way
    /// Outreach signs (<c>Outreach-Webhook-Signature</c>, no Leadgate signature) is the Outreach tool's, at the same path;
    /// Outreach sends one event a request, so its answer has the same shape.
    /// </summary>
    private static async Task<Results<Ok<WebhookReceipt>, Accepted<WebhookReceipt>, ProblemHttpResult>> ReceiveWebhook(
        string sourceKey, ReceiveOutreachWebhook handler, ReceiveToolWebhook tools, HttpContext http, CancellationToken cancellationToken)
    {
        var headers = http.Request.Headers;
        if (headers.ContainsKey(OutreachIo.SignatureHeader!) && !headers.ContainsKey(WebhookSignature.SignatureHeader))
        {
            var (tool, problem) = await ReceiveToolAsync(OutreachIo.PathName, sourceKey, tools, http, cancellationToken);
            if (problem is not null)
            {
                return problem;
            }

            var only = tool!.Events[0];
            var receipt = new WebhookReceipt(only.Status, only.Event, only.RecordedAs, only.LeadId, only.Qualified, only.Note);
            return only.Status == "Ignored" ? TypedResults.Accepted((string?)null, receipt) : TypedResults.Ok(receipt);
        }

        var body = await ReadLimitedAsync(http.Request, ReceiveOutreachWebhook.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return TooLarge(ReceiveOutreachWebhook.MaxBodyBytes);
        }

        var result = await handler.HandleAsync(
            sourceKey,
            http.Request.Headers[WebhookSignature.TimestampHeader].ToString(),
            http.Request.Headers[WebhookSignature.SignatureHeader].ToString(),
            body,
            cancellationToken);
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        return result.Value.Status == "Ignored" ? TypedResults.Accepted((string?)null, result.Value) : TypedResults.Ok(result.Value);
    }

    private static readonly OutreachIoAdapter OutreachIo = new();

    /// <summary>A tool's payload: 200 when any event was recorded (or repeated), 202 when every event was ignored.</summary>
    private static async Task<Results<Ok<ToolWebhookReceipt>, Accepted<ToolWebhookReceipt>, ProblemHttpResult>> ReceiveToolWebhook(
        string tool, string sourceKey, ReceiveToolWebhook handler, HttpContext http, CancellationToken cancellationToken)
    {
        var (receipt, problem) = await ReceiveToolAsync(tool, sourceKey, handler, http, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        return receipt!.Events.All(e => e.Status == "Ignored") ? TypedResults.Accepted((string?)null, receipt) : TypedResults.Ok(receipt);
    }

    private static async Task<(ToolWebhookReceipt? Receipt, ProblemHttpResult? Problem)> ReceiveToolAsync(
        string tool, string sourceKey, ReceiveToolWebhook handler, HttpContext http, CancellationToken cancellationToken)
    {
        var body = await ReadLimitedAsync(http.Request, Intake.Outreach.ReceiveToolWebhook.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return (null, TooLarge(Intake.Outreach.ReceiveToolWebhook.MaxBodyBytes));
        }

        var adapter = ToolAdapter.ForPath(tool);
        var result = await handler.HandleAsync(
            tool,
            sourceKey,
            http.Request.Headers[Intake.Outreach.ReceiveToolWebhook.TokenHeader].ToString(),
            adapter?.SignatureHeader is { } header ? http.Request.Headers[header].ToString() : null,
            body,
            cancellationToken);
        return result.Error is { } error ? (null, Problems.ToResult(error)) : (result.Value, null);
    }

    private static async Task<IResult> SubmitForm(string formKey, SubmitWebForm handler, HttpContext http, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (request.ContentLength > MaxFormBytes)
        {
            return TooLarge(MaxFormBytes);
        }

        var idempotencyKey = request.Headers[Idempotency.Header].ToString();
        Result<WebFormSubmission> read;
        var browser = request.HasFormContentType;
        if (browser)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (InvalidDataException)
            {
                // A malformed or oversized form body (the form reader's own limits) is the sender's mistake, not a bug.
                return Problems.ToResult(Invalid.Field("body", "The form body could not be read."));
            }

            read = Submission(name => form.TryGetValue(name, out var value) ? value.ToString() : null, idempotencyKey);
        }
        else if (request.HasJsonContentType())
        {
            var body = await ReadLimitedAsync(request, MaxFormBytes, cancellationToken);
            if (body is null)
            {
                return TooLarge(MaxFormBytes);
            }

            read = ReadJson(body, idempotencyKey);
        }
        else
        {
            return Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                "Send the form as application/x-www-form-urlencoded, multipart/form-data or application/json.");
        }

        if (read.Error is { } unreadable)
        {
            return Problems.ToResult(unreadable);
        }

        var result = await handler.HandleAsync(formKey, read.Value, cancellationToken);
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        // A browser posting the form goes on to the thank-you page; a script gets JSON.
        return browser && result.Value.RedirectUrl is { } next
            ? TypedResults.Redirect(next, permanent: false, preserveMethod: false)
            : TypedResults.Ok(new FormAccepted(true));
    }

    private static Result<WebFormSubmission> ReadJson(byte[] body, string idempotencyKey)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Invalid.Field("body", "A JSON object is required.");
            }

            if (!JsonText.NamesAreText(document.RootElement))
            {
                return Invalid.Field("body", "Every property name must be valid Unicode text.");
            }

            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            var errors = new Dictionary<string, string[]>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String when JsonText.StringOf(property.Value) is { } text:
                        values[property.Name] = text;
                        break;
                    case JsonValueKind.True or JsonValueKind.False:
                        values[property.Name] = property.Value.ValueKind == JsonValueKind.True ? "true" : "false";
                        break;
                    case JsonValueKind.Null:
                        values[property.Name] = null;
                        break;
                    default:
                        errors[property.Name] = ["A string of valid Unicode text (or true/false for consent) is required."];
                        break;
                }
            }

            return errors.Count > 0 ? new Invalid(errors) : Submission(values.GetValueOrDefault, idempotencyKey);
        }
        catch (JsonException)
        {
            return Invalid.Field("body", "A JSON object is required.");
        }
    }

    private static Result<WebFormSubmission> Submission(Func<string, string?> value, string idempotencyKey) => new WebFormSubmission
    {
        Email = value("email"),
        FirstName = value("firstName"),
        LastName = value("lastName"),
        Company = value("company"),
        JobTitle = value("jobTitle"),
        Phone = value("phone"),
        Consent = value("consent"),
        ConsentVersion = value("consentVersion"),
        Website = value(WebFormSubmission.HoneypotField),
        IdempotencyKey = idempotencyKey.Length == 0 ? null : idempotencyKey,
    };

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ProblemHttpResult TooLarge(int limit) =>
        Problems.Problem(StatusCodes.Status413PayloadTooLarge, "payload-too-large", "The body is too large", $"At most {limit / 1024} KB.");

    /// <summary>The fields of a public web form (form post or JSON; in JSON each a string, consent also true or false).</summary>
    /// <param name="Email">The person's e-mail address (required).</param>
    /// <param name="Website">A honeypot: left empty by people, filled in by bots.</param>
    public sealed record WebFormFields(
        [property: Required] string Email, string? FirstName, string? LastName, string? Company, string? JobTitle, string? Phone,
        string? Consent, string? ConsentVersion, string? Website);

    /// <summary>A web form submission was taken.</summary>
    public sealed record FormAccepted(bool Accepted);
}
