using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadgate.Data;
using Leadgate.Intake;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Infrastructure;

/// <summary>What an outreach tool or a web page does: no API key, only a signature or a form key.</summary>
public sealed class IntakeClient(TestApp app)
{
    public HttpClient Http { get; } = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public static async Task<(string Key, string Secret, Guid Id)> NewWebhookSourceAsync(Tenant tenant, string name = "Lemlist")
    {
        var made = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhook-sources", new { name })).Expect(HttpStatusCode.Created);
        return ((string)made.Body!["source"]!["key"]!, made.Str("secret")!, Guid.Parse((string)made.Body!["source"]!["id"]!));
    }

    public static async Task<ApiResponse> NewFormAsync(Tenant tenant, string name = "Contact us", string consentText = "Yes, Acme may e-mail me about its products.", string? redirectUrl = null) =>
        (await tenant.Marketing.SendAsync(HttpMethod.Post, "/api/v1/settings/forms", new { name, consentText, redirectUrl })).Expect(HttpStatusCode.Created);

    /// <summary>Posts <paramref name="body"/> byte for byte, with the given headers (null = left out).</summary>
    public Task<ApiResponse> PostWebhookAsync(string key, byte[] body, string? timestamp, string? signature) =>
        SendAsync(HttpMethod.Post, $"/hooks/outreach/{key}", new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            (WebhookSignature.TimestampHeader, timestamp), (WebhookSignature.SignatureHeader, signature));

    /// <summary>Signs with <paramref name="secret"/> at <paramref name="at"/>, as a well-behaved tool does.</summary>
    public Task<ApiResponse> PostSignedAsync(string key, string secret, string body, DateTimeOffset at)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        return PostWebhookAsync(key, bytes, at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), WebhookSignature.Sign(secret, at.ToUnixTimeSeconds(), bytes));
    }

    public Task<ApiResponse> SubmitJsonAsync(string formKey, object body, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, $"/forms/{formKey}", new StringContent(JsonSerializer.Serialize(body, LeadgateClient.Wire), Encoding.UTF8, "application/json"), ("Idempotency-Key", idempotencyKey));

    public Task<ApiResponse> SubmitFormAsync(string formKey, IEnumerable<KeyValuePair<string, string>> fields) =>
        SendAsync(HttpMethod.Post, $"/forms/{formKey}", new FormUrlEncodedContent(fields));

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, HttpContent content, params (string Name, string? Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        foreach (var (name, value) in headers)
        {
            if (value is not null)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
        {
            body = JsonNode.Parse(text);
        }

        return new ApiResponse(response.StatusCode, body, response);
    }

    /// <summary>What an organisation holds from outside: contacts, behaviour events and consent records.</summary>
    public async Task<(int Contacts, int Events, int Consents)> StoredAsync(Guid organisationId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        return (
            await db.Contacts.CountAsync(c => c.OrganisationId == organisationId),
            await db.BehaviourEvents.CountAsync(e => e.OrganisationId == organisationId),
            await db.Consents.CountAsync(c => c.OrganisationId == organisationId));
    }

    /// <summary>As if the submit had stopped between storing its event and saving its consent record.</summary>
    public async Task ForgetConsentsAsync(Guid organisationId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        await db.Consents.Where(c => c.OrganisationId == organisationId).ExecuteDeleteAsync();
    }

    public async Task<List<Consent>> ConsentsAsync(Guid organisationId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        return await db.Consents.AsNoTracking().Where(c => c.OrganisationId == organisationId).ToListAsync();
    }
}
