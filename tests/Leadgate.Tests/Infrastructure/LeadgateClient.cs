using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Leadgate.Tests.Infrastructure;

/// <summary>An answer of the API, with its JSON body parsed.</summary>
public sealed record ApiResponse(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Message)
{
    public string? ETag => Message.Headers.ETag?.ToString();

    public Uri? Location => Message.Headers.Location;

    public string Text => Body?.ToJsonString() ?? "";

    public Guid Id => Guid.Parse((string)Body!["id"]!);

    public string? Str(string property) => (string?)Body?[property];

    /// <summary>Fails with the body in the message, so a failing test says what the API answered.</summary>
    public ApiResponse Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"Expected {(int)status} {status}, got {(int)Status} {Status}: {Text}");
        return this;
    }
}

/// <summary>The API as a script uses it, one method per intent, for one member of one organisation.</summary>
public sealed class LeadgateClient(HttpClient http, Member member)
{
    public Member Member { get; } = member;

    public HttpClient Http { get; } = http;

    public Task<ApiResponse> CreateLeadAsync(object body, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, "/api/v1/leads", body, idempotencyKey: idempotencyKey);

    public async Task<Guid> NewLeadAsync(string? email = null, string? company = null)
    {
        var response = await CreateLeadAsync(new
        {
            email = email ?? $"{Guid.NewGuid():N}@lead.example.com",
            firstName = "Femke",
            lastName = "de Vries",
            jobTitle = "Head of Operations",
            source = "Website",
            campaign = "Spring webinar",
            company = new { name = company ?? "Acme B.V.", domain = $"{Guid.NewGuid():N}.example.nl", industry = "Logistics", employees = 250, country = "NL" },
        });
        return response.Expect(HttpStatusCode.Created).Id;
    }

    public Task<ApiResponse> GetLeadAsync(Guid id) => SendAsync(HttpMethod.Get, $"/api/v1/leads/{id}");

    public Task<ApiResponse> ListLeadsAsync(string query = "") => SendAsync(HttpMethod.Get, $"/api/v1/leads{query}");

    public Task<ApiResponse> PatchLeadAsync(Guid id, object body, string? ifMatch = null) =>
        SendAsync(HttpMethod.Patch, $"/api/v1/leads/{id}", body, ifMatch);

    public Task<ApiResponse> MarkMqlAsync(Guid id, string reason = "Downloaded the pricing guide and asked for a call") =>
        SendAsync(HttpMethod.Post, $"/api/v1/leads/{id}/mark-mql", new { reason });

    public Task<ApiResponse> LogActivityAsync(Guid id, string type, string direction, string? outcome, string? notes = null, DateTimeOffset? occurredAt = null) =>
        SendAsync(HttpMethod.Post, $"/api/v1/leads/{id}/activities", new { type, direction, outcome, notes, occurredAt });

    public Task<ApiResponse> LogConnectedCallAsync(Guid id) => LogActivityAsync(id, "Call", "Outbound", "Connected", "Talked about their planning problem");

    public Task<ApiResponse> RecordBantAsync(Guid id, string need = "Confirmed", string budget = "Unknown", string authority = "Unknown", string timeline = "Unknown", string? ifMatch = null) =>
        SendAsync(HttpMethod.Put, $"/api/v1/leads/{id}/bant", new
        {
            budget = new { status = budget, note = "Budget for this year", amount = 25_000m },
            authority = new { status = authority, note = (string?)null, name = "Jan Jansen", role = "CFO" },
            need = new { status = need, note = "Manual planning costs them two days a week" },
            timeline = new { status = timeline, note = (string?)null, date = "2027-03-01" },
        }, ifMatch);

    public Task<ApiResponse> AcceptAsync(Guid id, decimal dealValue = 24_000m, string currency = "EUR", string? expectedCloseDate = null, string? ifMatch = null) =>
        SendAsync(HttpMethod.Post, $"/api/v1/leads/{id}/accept", new
        {
            dealValue,
            currency,
            expectedCloseDate = expectedCloseDate ?? DateTime.UtcNow.AddMonths(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        }, ifMatch);

    public Task<ApiResponse> RejectAsync(Guid id, string reason = "NotReadyToBuy", string? note = "Budget only next year", string? revisitOn = null) =>
        SendAsync(HttpMethod.Post, $"/api/v1/leads/{id}/reject", new { reason, note, revisitOn });

    public Task<ApiResponse> DisqualifyAsync(Guid id, string reason = "NotRelevant", string? note = null) =>
        SendAsync(HttpMethod.Post, $"/api/v1/leads/{id}/disqualify", new { reason, note });

    public Task<ApiResponse> AssignAsync(Guid id, Guid ownerId) =>
        SendAsync(HttpMethod.Post, $"/api/v1/leads/{id}/assign", new { ownerId });

    public Task<ApiResponse> GetDealAsync(Guid id) => SendAsync(HttpMethod.Get, $"/api/v1/deals/{id}");

    public Task<ApiResponse> ProposalAsync(Guid dealId, decimal amount = 22_500m) =>
        SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/proposal", new { amount });

    public Task<ApiResponse> WonAsync(Guid dealId, decimal amount = 22_000m, string? closedOn = null) =>
        SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/won", new { amount, closedOn });

    public Task<ApiResponse> LostAsync(Guid dealId, string reason = "Price", string then = "Nurture", string? note = null) =>
        SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/lost", new { reason, then, note });

    public Task<ApiResponse> SendEventsAsync(IEnumerable<object> events) =>
        SendAsync(HttpMethod.Post, "/api/v1/events", new { events });

    public Task<ApiResponse> GetScoringAsync() => SendAsync(HttpMethod.Get, "/api/v1/settings/scoring");

    public Task<ApiResponse> PutScoringAsync(object model) => SendAsync(HttpMethod.Put, "/api/v1/settings/scoring", model);

    public Task<ApiResponse> PreviewScoringAsync(object model) => SendAsync(HttpMethod.Post, "/api/v1/settings/scoring/preview", model);

    /// <summary>The one entry of a webhook subscription's delivery log (admin).</summary>
    public async Task<JsonNode> OnlyWebhookDeliveryAsync(string subscriptionId) =>
        (await SendAsync(HttpMethod.Get, $"/api/v1/settings/webhooks/{subscriptionId}/deliveries")).Expect(HttpStatusCode.OK).Body!.AsArray().Single()!;

    /// <summary>An MQL with a connected call and Need confirmed: ready to accept.</summary>
    public async Task<Guid> QualifiedMqlAsync(LeadgateClient marketing)
    {
        var id = await marketing.NewLeadAsync();
        (await marketing.MarkMqlAsync(id)).Expect(HttpStatusCode.OK);
        (await LogConnectedCallAsync(id)).Expect(HttpStatusCode.Created);
        (await RecordBantAsync(id)).Expect(HttpStatusCode.OK);
        return id;
    }

    /// <summary>How a client writes the API's JSON: enums by name, as the API reads them (it refuses numbers).</summary>
    public static readonly JsonSerializerOptions Wire = new(JsonSerializerOptions.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null, string? idempotencyKey = null, string? rawJson = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (rawJson is not null)
        {
            request.Content = new StringContent(rawJson, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Wire);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }
}
