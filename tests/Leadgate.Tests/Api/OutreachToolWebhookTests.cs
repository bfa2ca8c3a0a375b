using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Leadgate.Data;
using Leadgate.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>
/// Issue 18, acceptance 2: each outreach tool's own webhook, with fixtures written from that tool's public documentation
/// (Api/OutreachTools), single and batched; authenticity the way the tool allows; a replay stored once; "not interested"
/// recorded and never an MQL. Run on SQLite and on PostgreSQL.
/// </summary>
public abstract class OutreachToolWebhookTests(TestApp app)
{
    private readonly IntakeClient _hooks = new(app);

    public static TheoryData<string> Tools => ["lemlist", "instantly", "smartlead", "woodpecker", "replyio", "outreach"];

    /// <summary>The tools that can batch; Outreach sends one JSON:API document a request.</summary>
    public static TheoryData<string> BatchingTools => ["lemlist", "instantly", "smartlead", "woodpecker", "replyio"];

    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private sealed record Source(string Tool, string Key, string Secret, Guid Id);

    private static async Task<Source> NewSourceAsync(Tenant tenant, string tool)
    {
        var made = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhook-sources", new { name = $"Agency {tool}", tool })).Expect(HttpStatusCode.Created);
        return new Source(tool, (string)made.Body!["source"]!["key"]!, made.Str("secret")!, Guid.Parse((string)made.Body!["source"]!["id"]!));
    }

    /// <summary>A fixture with its placeholders filled: the person's address, a unique id, the secret, the delivery time.</summary>
    private string Fixture(string name, string email, string secret, string? id = null, DateTimeOffset? deliveredAt = null) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Api", "OutreachTools", name + ".json"))
            .Replace("{{email}}", email, StringComparison.Ordinal)
            .Replace("{{secret}}", secret, StringComparison.Ordinal)
            .Replace("{{id}}", id ?? Guid.NewGuid().ToString("N")[..12], StringComparison.Ordinal)
            .Replace("{{number}}", Random.Shared.Next(1, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{deliveredAt}}", (deliveredAt ?? Now).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Posts as the tool does: lemlist and Smartlead echo the secret in the body, Instantly and Woodpecker carry it in the URL, Reply.io in a custom header, Outreach signs.</summary>
    private Task<ApiResponse> PostAsync(Source source, string body, string? secret = null, string? key = null)
    {
        secret ??= source.Secret;
        key ??= source.Key;
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        return source.Tool switch
        {
            "instantly" or "woodpecker" => _hooks.SendAsync(HttpMethod.Post, $"/hooks/{source.Tool}/{key}.{secret}", content),
            "replyio" => _hooks.SendAsync(HttpMethod.Post, $"/hooks/replyio/{key}", content, ("X-Leadgate-Token", secret)),
            "outreach" => _hooks.SendAsync(HttpMethod.Post, $"/hooks/outreach/{key}", content, ("Outreach-Webhook-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body))))),
            _ => _hooks.SendAsync(HttpMethod.Post, $"/hooks/{source.Tool}/{key}", content),
        };
    }

    private static string Email(string tool, string who) => $"{who}.{tool}.{Guid.NewGuid():N}"[..40] + "@acme-logistics.nl";

    private async Task<int> SignalsAsync(Guid organisationId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        return await db.OutreachSignals.CountAsync(s => s.OrganisationId == organisationId);
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task EachToolsDocumentedReply_MakesTheProspectAnMql(string tool)
    {
        var tenant = await app.NewTenantAsync();
        var source = await NewSourceAsync(tenant, tool);
        var email = Email(tool, "femke");

        var answer = (await PostAsync(source, Fixture($"{tool}.reply", email, source.Secret))).Expect(HttpStatusCode.OK);

        var leadId = Guid.Parse(tool == "outreach" ? answer.Str("leadId")! : (string)answer.Body!["events"]![0]!["leadId"]!);
        var lead = (await tenant.Marketing.GetLeadAsync(leadId)).Expect(HttpStatusCode.OK);
        Assert.Equal(("Mql", email, "Femke"), (lead.Str("stage"), lead.Str("email"), lead.Str("firstName")));
        Assert.Equal($"Outreach: Agency {tool}", lead.Str("source"));
        Assert.Equal(("Mql", "Hand-raise: EmailReply"), ((string)lead.Body!["history"]!.AsArray()[^1]!["to"]!, (string)lead.Body!["history"]!.AsArray()[^1]!["actorName"]!));
    }

    [Theory]
    [MemberData(nameof(BatchingTools))]
    public async Task EachToolsBatch_MakesEveryProspectAnMql(string tool)
    {
        var tenant = await app.NewTenantAsync();
        var source = await NewSourceAsync(tenant, tool);
        var emails = new[] { Email(tool, "femke"), Email(tool, "joost"), Email(tool, "anouk") };

        var batch = $"[{Fixture($"{tool}.reply", emails[0], source.Secret)},{Fixture($"{tool}.interested", emails[1], source.Secret)},{Fixture($"{tool}.reply", emails[2], source.Secret)}]";
        var answer = (await PostAsync(source, batch)).Expect(HttpStatusCode.OK);

        Assert.Equal((3, 3), ((int)answer.Body!["received"]!, (int)answer.Body!["stored"]!));
        foreach (var receipt in answer.Body!["events"]!.AsArray())
        {
            var lead = (await tenant.Marketing.GetLeadAsync(Guid.Parse((string)receipt!["leadId"]!))).Expect(HttpStatusCode.OK);
            Assert.Equal("Mql", lead.Str("stage"));
        }
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task AReplayedDelivery_IsStoredOnce(string tool)
    {
        var tenant = await app.NewTenantAsync();
        var source = await NewSourceAsync(tenant, tool);
        var body = Fixture($"{tool}.reply", Email(tool, "femke"), source.Secret);
        (await PostAsync(source, body)).Expect(HttpStatusCode.OK);

        var replay = (await PostAsync(source, body)).Expect(HttpStatusCode.OK);

        Assert.Equal("Repeat", tool == "outreach" ? replay.Str("status") : (string)replay.Body!["events"]![0]!["status"]!);
        Assert.Equal((1, 1, 0), await _hooks.StoredAsync(tenant.OrganisationId));
    }

    [Theory]
    [MemberData(nameof(Tools))]
    public async Task NotInterestedOrABounce_IsRecordedOnce_AndNeverMakesAnMql(string tool)
    {
        var tenant = await app.NewTenantAsync();
        var source = await NewSourceAsync(tenant, tool);
        var email = Email(tool, "femke");
        var id = await tenant.Marketing.NewLeadAsync(email);
        var body = Fixture(tool == "outreach" ? "outreach.bounce" : $"{tool}.not-interested", email, source.Secret);

        var answer = (await PostAsync(source, body)).Expect(HttpStatusCode.OK);
        var replay = (await PostAsync(source, body)).Expect(HttpStatusCode.OK);

        var (first, second) = tool == "outreach"
            ? ((answer.Str("status"), answer.Str("recordedAs")), (replay.Str("status"), replay.Str("recordedAs")))
            : (((string?)answer.Body!["events"]![0]!["status"], (string?)answer.Body!["events"]![0]!["recordedAs"]), ((string?)replay.Body!["events"]![0]!["status"], (string?)replay.Body!["events"]![0]!["recordedAs"]));
        var kind = tool == "outreach" ? "Bounced" : "NotInterested";
        Assert.Equal(("Stored", kind), first);
        Assert.Equal(("Repeat", kind), second);
        Assert.Equal(1, await SignalsAsync(tenant.OrganisationId));
        Assert.Equal((1, 0, 0), await _hooks.StoredAsync(tenant.OrganisationId));
        Assert.Equal("Iql", (await tenant.Marketing.GetLeadAsync(id)).Str("stage"));
    }

    [Theory]
    [MemberData(nameof(BatchingTools))]
    public async Task NotInterestedForAnUnknownPerson_IsIgnored_AndCreatesNoLead(string tool)
    {
        var tenant = await app.NewTenantAsync();
        var source = await NewSourceAsync(tenant, tool);

        var answer = (await PostAsync(source, Fixture($"{tool}.not-interested", Email(tool, "nobody"), source.Secret))).Expect(HttpStatusCode.Accepted);

        Assert.Equal("Ignored", (string)answer.Body!["events"]![0]!["status"]!);
        Assert.Equal((0, 0, 0), await _hooks.StoredAsync(tenant.OrganisationId));
    }

    public static TheoryData<string, string> Refusals()
    {
        var data = new TheoryData<string, string>();
        foreach (var tool in new[] { "lemlist", "instantly", "smartlead", "woodpecker", "replyio", "outreach" })
        {
            data.Add(tool, "wrong secret");
            data.Add(tool, "unknown key");
            data.Add(tool, "another tool's key");
        }

        data.Add("lemlist", "no secret at all");
        data.Add("smartlead", "secret missing from one event of a batch");
        data.Add("outreach", "changed body");
        data.Add("outreach", "stale delivery time");
        data.Add("outreach", "no signature");
        return data;
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task AnUnprovenWebhook_IsRefusedWith401_AndStoresNothing(string tool, string refusal)
    {
        var tenant = await app.NewTenantAsync();
        var source = await NewSourceAsync(tenant, tool);
        var other = await NewSourceAsync(tenant, tool == "lemlist" ? "instantly" : "lemlist");
        var email = Email(tool, "mallory");
        var body = Fixture($"{tool}.reply", email, source.Secret);

        var answer = refusal switch
        {
            "wrong secret" => await PostAsync(source, Fixture($"{tool}.reply", email, source.Secret + "x"), secret: source.Secret + "x"),
            "unknown key" => await PostAsync(source, body, key: "0123456789abcdef0123"),
            "another tool's key" => await PostAsync(source, body, key: other.Key),
            "no secret at all" => await _hooks.SendAsync(HttpMethod.Post, $"/hooks/lemlist/{source.Key}", new StringContent(body.Replace($"\"secret\": \"{source.Secret}\"", "\"secret\": null", StringComparison.Ordinal), Encoding.UTF8, "application/json")),
            "secret missing from one event of a batch" => await PostAsync(source, $"[{body},{Fixture("smartlead.reply", Email(tool, "eve"), "")}]"),
            "changed body" => await _hooks.SendAsync(HttpMethod.Post, $"/hooks/outreach/{source.Key}", new StringContent(body.Replace("Femke", "Mallory", StringComparison.Ordinal), Encoding.UTF8, "application/json"),
                ("Outreach-Webhook-Signature", Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(source.Secret), Encoding.UTF8.GetBytes(body))))),
            "stale delivery time" => await PostAsync(source, Fixture("outreach.reply", email, source.Secret, deliveredAt: Now.AddMinutes(-6))),
            "no signature" => await _hooks.SendAsync(HttpMethod.Post, $"/hooks/outreach/{source.Key}", new StringContent(body, Encoding.UTF8, "application/json"), ("Outreach-Webhook-Signature", "")),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal)),
        };

        answer.Expect(HttpStatusCode.Unauthorized);
        Assert.Equal("https://leadgate.dev/problems/unauthorized", answer.Str("type"));
        Assert.Equal((0, 0, 0), await _hooks.StoredAsync(tenant.OrganisationId));
        Assert.Equal(0, await SignalsAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task ATokenToolSource_IsIssuedWithItsUrl_IsOnePerTool_AndRotatingRefusesTheOldSecret()
    {
        var tenant = await app.NewTenantAsync();
        var made = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhook-sources", new { name = "Woodpecker", tool = "woodpecker" })).Expect(HttpStatusCode.Created);
        var source = new Source("woodpecker", (string)made.Body!["source"]!["key"]!, made.Str("secret")!, Guid.Parse((string)made.Body!["source"]!["id"]!));
        Assert.Equal(("woodpecker", $"/hooks/woodpecker/{source.Key}", $"/hooks/woodpecker/{source.Key}.{source.Secret}"),
            ((string)made.Body!["source"]!["tool"]!, (string)made.Body!["source"]!["path"]!, made.Str("pathWithToken")));
        (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhook-sources", new { name = "Again", tool = "woodpecker" })).Expect(HttpStatusCode.Conflict);
        var unknown = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhook-sources", new { name = "x", tool = "mailchimp" })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(unknown.Body!["errors"]!["tool"]);
        var list = (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/webhook-sources")).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain(source.Secret, list.Text, StringComparison.Ordinal);

        (await tenant.Marketing.SendAsync(HttpMethod.Post, $"/api/v1/settings/webhook-sources/{source.Id}/rotate")).Expect(HttpStatusCode.Forbidden);
        var rotated = (await tenant.Admin.SendAsync(HttpMethod.Post, $"/api/v1/settings/webhook-sources/{source.Id}/rotate")).Expect(HttpStatusCode.OK);
        var secret = rotated.Str("secret")!;
        Assert.NotEqual(source.Secret, secret);
        Assert.Equal(source.Key, (string)rotated.Body!["source"]!["key"]!);

        (await PostAsync(source, Fixture("woodpecker.reply", Email("woodpecker", "old"), source.Secret))).Expect(HttpStatusCode.Unauthorized);
        (await PostAsync(source, Fixture("woodpecker.reply", Email("woodpecker", "new"), secret), secret: secret)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AnErasedPerson_IsRefusedByAToolWebhook_AsByTheGenericOne()
    {
        var tenant = await app.NewTenantAsync();
        var source = await NewSourceAsync(tenant, "lemlist");
        var email = Email("lemlist", "erased");
        await tenant.Marketing.NewLeadAsync(email);
        (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/privacy/erasures", new { email, reason = "request" })).Expect(HttpStatusCode.OK);
        var stored = await _hooks.StoredAsync(tenant.OrganisationId);

        var answer = (await PostAsync(source, Fixture("lemlist.reply", email, source.Secret))).Expect(HttpStatusCode.Conflict);

        Assert.Equal("https://leadgate.dev/problems/suppressed", answer.Str("type"));
        Assert.Equal(stored, await _hooks.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task AnUnknownTool_Is404()
    {
        var answer = await _hooks.SendAsync(HttpMethod.Post, "/hooks/mailchimp/0123456789abcdef0123", new StringContent("{}", Encoding.UTF8, "application/json"));

        answer.Expect(HttpStatusCode.NotFound);
    }
}

public sealed class OutreachToolWebhookTests_Sqlite(SqliteApp app) : OutreachToolWebhookTests(app), IClassFixture<SqliteApp>;

public sealed class OutreachToolWebhookTests_Postgres(PostgresApp app) : OutreachToolWebhookTests(app), IClassFixture<PostgresApp>;
