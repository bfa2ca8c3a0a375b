using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Leadgate.Intake;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>Issue 3 (d), R6: outreach tools' webhooks, signed with HMAC-SHA256; run on SQLite and on PostgreSQL.</summary>
public abstract class OutreachWebhookTests(TestApp app)
{
    private readonly IntakeClient _hooks = new(app);

    private DateTimeOffset Now => app.Clock.GetUtcNow();

    private static string Reply(string id = "evt-1", string email = "femke@acme-logistics.nl", string kind = "replied") => JsonSerializer.Serialize(new
    {
        id,
        @event = kind,
        email,
        firstName = "Femke",
        lastName = "de Vries",
        company = "Acme Logistics",
        occurredAt = "2026-11-20T09:30:00Z",
        campaign = "Q4 logistics outbound",
    });

    [Fact]
    public async Task ACorrectlySignedReply_IsAccepted_AndMakesANewLeadAnMql()
    {
        var tenant = await app.NewTenantAsync();
        var (key, secret, _) = await IntakeClient.NewWebhookSourceAsync(tenant);

        var answer = (await _hooks.PostSignedAsync(key, secret, Reply(), Now)).Expect(HttpStatusCode.OK);

        Assert.Equal(("Stored", "EmailReply", "Hand-raise: EmailReply"), (answer.Str("status"), answer.Str("recordedAs"), answer.Str("qualified")));
        var lead = (await tenant.Marketing.GetLeadAsync(Guid.Parse(answer.Str("leadId")!))).Expect(HttpStatusCode.OK);
        Assert.Equal(("Mql", "femke@acme-logistics.nl", "Femke", "Acme Logistics"), (lead.Str("stage"), lead.Str("email"), lead.Str("firstName"), (string)lead.Body!["company"]!["name"]!));
        Assert.Equal(("Outreach: Lemlist", "Q4 logistics outbound"), (lead.Str("source"), lead.Str("campaign")));
        var history = lead.Body!["history"]!.AsArray();
        Assert.Equal("Outreach webhook: Lemlist", (string)history[0]!["actorName"]!);
        Assert.Equal(("Mql", "Hand-raise: EmailReply"), ((string)history[^1]!["to"]!, (string)history[^1]!["actorName"]!));
    }

    [Fact]
    public async Task AReplyForAKnownLead_MakesItMql_WithoutChangingItsFacts()
    {
        var tenant = await app.NewTenantAsync();
        var (key, secret, _) = await IntakeClient.NewWebhookSourceAsync(tenant);
        var id = await tenant.Marketing.NewLeadAsync("known@prospect.example.com");

        var answer = (await _hooks.PostSignedAsync(key, secret, Reply(email: "Known@Prospect.example.com"), Now)).Expect(HttpStatusCode.OK);

        Assert.Equal(id.ToString(), answer.Str("leadId"));
        var lead = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal(("Mql", "Acme B.V.", "Website"), (lead.Str("stage"), (string)lead.Body!["company"]!["name"]!, lead.Str("source")));
    }

    [Fact]
    public async Task ARetryWithTheSameEventId_IsARepeat_AndStoresNothingMore()
    {
        var tenant = await app.NewTenantAsync();
        var (key, secret, _) = await IntakeClient.NewWebhookSourceAsync(tenant);
        (await _hooks.PostSignedAsync(key, secret, Reply(), Now)).Expect(HttpStatusCode.OK);

        // A retry is signed again, a little later.
        var retry = (await _hooks.PostSignedAsync(key, secret, Reply(), Now.AddSeconds(30))).Expect(HttpStatusCode.OK);

        Assert.Equal("Repeat", retry.Str("status"));
        Assert.Equal((1, 1, 0), await _hooks.StoredAsync(tenant.OrganisationId));
    }

    public static TheoryData<string> Refusals => ["wrong secret", "changed body", "6 minutes old", "6 minutes ahead", "unknown source", "no signature", "no timestamp", "signature of another source"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task AnUnprovenWebhook_IsRefusedWith401_AndStoresNothing(string refusal)
    {
        var tenant = await app.NewTenantAsync();
        var (key, secret, _) = await IntakeClient.NewWebhookSourceAsync(tenant);
        var (_, otherSecret, _) = await IntakeClient.NewWebhookSourceAsync(tenant, "Apollo");
        var body = Encoding.UTF8.GetBytes(Reply());
        string Ts(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        string Sig(string s, DateTimeOffset at, byte[] b) => WebhookSignature.Sign(s, at.ToUnixTimeSeconds(), b);

        var answer = refusal switch
        {
            "wrong secret" => await _hooks.PostWebhookAsync(key, body, Ts(Now), Sig(secret + "x", Now, body)),
            "changed body" => await _hooks.PostWebhookAsync(key, Encoding.UTF8.GetBytes(Reply(email: "attacker@evil.example.com")), Ts(Now), Sig(secret, Now, body)),
            "6 minutes old" => await _hooks.PostWebhookAsync(key, body, Ts(Now.AddMinutes(-6)), Sig(secret, Now.AddMinutes(-6), body)),
            "6 minutes ahead" => await _hooks.PostWebhookAsync(key, body, Ts(Now.AddMinutes(6)), Sig(secret, Now.AddMinutes(6), body)),
            "unknown source" => await _hooks.PostWebhookAsync("0123456789abcdef0123", body, Ts(Now), Sig(secret, Now, body)),
            "no signature" => await _hooks.PostWebhookAsync(key, body, Ts(Now), null),
            "no timestamp" => await _hooks.PostWebhookAsync(key, body, null, Sig(secret, Now, body)),
            "signature of another source" => await _hooks.PostWebhookAsync(key, body, Ts(Now), Sig(otherSecret, Now, body)),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal)),
        };

        answer.Expect(HttpStatusCode.Unauthorized);
        Assert.Equal("https://leadgate.dev/problems/unauthorized", answer.Str("type"));
        Assert.Equal((0, 0, 0), await _hooks.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task ADeletedSource_IsUnknownAtOnce()
    {
        var tenant = await app.NewTenantAsync();
        var (key, secret, id) = await IntakeClient.NewWebhookSourceAsync(tenant);

        (await tenant.Admin.SendAsync(HttpMethod.Delete, $"/api/v1/settings/webhook-sources/{id}")).Expect(HttpStatusCode.NoContent);

        (await _hooks.PostSignedAsync(key, secret, Reply(), Now)).Expect(HttpStatusCode.Unauthorized);
        Assert.Equal((0, 0, 0), await _hooks.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task AnEventThatIsNotScored_IsAcknowledgedWith202_AndStoresNothing()
    {
        var tenant = await app.NewTenantAsync();
        var (key, secret, _) = await IntakeClient.NewWebhookSourceAsync(tenant);

        var answer = (await _hooks.PostSignedAsync(key, secret, Reply(kind: "opened"), Now)).Expect(HttpStatusCode.Accepted);

        Assert.Equal("Ignored", answer.Str("status"));
        Assert.Contains("opened", answer.Str("note"), StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), await _hooks.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task AClick_IsAPageVisit_AndDoesNotMakeAnMql()
    {
        var tenant = await app.NewTenantAsync();
        var (key, secret, _) = await IntakeClient.NewWebhookSourceAsync(tenant);

        var answer = (await _hooks.PostSignedAsync(key, secret, Reply(kind: "clicked"), Now)).Expect(HttpStatusCode.OK);

        Assert.Equal(("Stored", "PageVisit"), (answer.Str("status"), answer.Str("recordedAs")));
        Assert.Equal("Iql", (await tenant.Marketing.GetLeadAsync(Guid.Parse(answer.Str("leadId")!))).Str("stage"));
    }

    [Theory]
    [InlineData("""{"event":"replied","email":"a@b.example.com"}""", "id")]
    [InlineData("""{"id":"e1","event":"replied","email":"not-an-address"}""", "email")]
    [InlineData("""{"id":"e1","event":"replied"}""", "email")]
    [InlineData("""{"id":"e1","event":"replied","email":"a@b.example.com","occurredAt":"yesterday"}""", "occurredAt")]
    [InlineData("""{"id":"e1","event":"replied","email":"a@b.example.com","firstName":42}""", "firstName")]
    [InlineData("""{"id":"e1","event":"replied","email":"a@b.example.com","firstName":"\ud800"}""", "firstName")]
    [InlineData("""{"i\ud800d":"e1","event":"replied","email":"a@b.example.com"}""", "body")]
    [InlineData("""{"id":"e1","e\udc00vent":"replied","email":"a@b.example.com"}""", "body")]
    [InlineData("""["id"]""", "body")]
    [InlineData("""{"id":""", "body")]
    public async Task ASignedButInvalidPayload_Is400NamingTheField_AndStoresNothing(string body, string field)
    {
        var tenant = await app.NewTenantAsync();
        var (key, secret, _) = await IntakeClient.NewWebhookSourceAsync(tenant);

        var answer = (await _hooks.PostSignedAsync(key, secret, body, Now)).Expect(HttpStatusCode.BadRequest);

        Assert.NotNull(answer.Body!["errors"]![field]);
        Assert.Equal((0, 0, 0), await _hooks.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task WebhookSources_AreManagedByAnAdminOnly_AndNeverShowTheSecretAgain()
    {
        var tenant = await app.NewTenantAsync();
        var (key, secret, _) = await IntakeClient.NewWebhookSourceAsync(tenant);

        var list = (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/settings/webhook-sources")).Expect(HttpStatusCode.OK);
        Assert.Equal(key, (string)list.Body!.AsArray().Single()!["key"]!);
        Assert.Equal($"/hooks/outreach/{key}", (string)list.Body!.AsArray().Single()!["path"]!);
        Assert.DoesNotContain(secret, list.Text, StringComparison.Ordinal);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        (await tenant.Marketing.SendAsync(HttpMethod.Post, "/api/v1/settings/webhook-sources", new { name = "x" })).Expect(HttpStatusCode.Forbidden);
        (await tenant.Marketing.SendAsync(HttpMethod.Get, "/api/v1/settings/webhook-sources")).Expect(HttpStatusCode.Forbidden);
        var unnamed = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhook-sources", new { name = " " })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(unnamed.Body!["errors"]!["name"]);
    }

    /// <summary>
    /// R7's quick in-suite version: random and mutated bodies and headers. Never a 500; nothing stored unless the signature
    /// was made with the secret over exactly the bytes sent.
    /// </summary>
    [Fact]
    public async Task Fuzzing_RandomAndMutatedWebhooks_NeverCrash_AndNothingUnsignedIsStored()
    {
        var tenant = await app.NewTenantAsync();
        var (key, secret, _) = await IntakeClient.NewWebhookSourceAsync(tenant);
        var random = new Random(20261122);
        var storedIds = new HashSet<string>(StringComparer.Ordinal);
        string[] fragments = ["{", "}", "[", "]", "\"id\":", "\"event\":", "\"replied\"", "\"clicked\"", "\"email\":", "\"x@fuzz.example.com\"", ",", ":", "null", "true", "1e999", "\"\\u0000\"", "\"occurredAt\":", "\"2026-11-22T10:00:00Z\"", "\"'; DROP TABLE leads; --\"", "\"\\ud800\"", "é", "\u0001"];

        for (var i = 0; i < 2_000; i++)
        {
            var at = Now;
            var body = (i % 4) switch
            {
                0 => RandomBytes(random, random.Next(0, 300)),
                1 => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, random.Next(1, 30)).Select(_ => fragments[random.Next(fragments.Length)]))),
                _ => Encoding.UTF8.GetBytes(Reply(id: $"fuzz-{i}", email: $"p{i % 50}@fuzz.example.com", kind: random.Next(3) == 0 ? "clicked" : "replied")),
            };
            var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var signature = WebhookSignature.Sign(secret, at.ToUnixTimeSeconds(), body);
            var signedAsSent = true;
            switch (random.Next(8))
            {
                case 0 when body.Length > 0:
                    body[random.Next(body.Length)] ^= (byte)random.Next(1, 256);
                    signedAsSent = false;
                    break;
                case 1:
                    var chars = signature.ToCharArray();
                    var at7 = random.Next(7, chars.Length);
                    chars[at7] = chars[at7] == '0' ? '1' : '0';
                    signature = new string(chars);
                    signedAsSent = false;
                    break;
                case 2:
                    timestamp = random.Next(4) switch
                    {
                        0 => "",
                        1 => (at.ToUnixTimeSeconds() + random.Next(-100_000, 100_000)).ToString(CultureInfo.InvariantCulture),
                        2 => Encoding.ASCII.GetString(RandomBytes(random, random.Next(1, 20)).Select(b => (byte)(33 + (b % 94))).ToArray()),
                        _ => (at.ToUnixTimeSeconds() + 1).ToString(CultureInfo.InvariantCulture),
                    };
                    signedAsSent = false;
                    break;
                case 3:
                    signature = random.Next(2) == 0 ? "" : "sha256=" + Encoding.ASCII.GetString(RandomBytes(random, random.Next(0, 80)).Select(b => (byte)(33 + (b % 94))).ToArray());
                    signedAsSent = false;
                    break;
                case 4 when body.Length > 1:
                    body = body[..random.Next(body.Length - 1)];
                    signedAsSent = false;
                    break;
                default:
                    break;
            }

            var answer = await _hooks.PostWebhookAsync(key, body, timestamp.Length == 0 ? null : timestamp, signature.Length == 0 ? null : signature);

            Assert.True((int)answer.Status < 500, $"Iteration {i} answered {(int)answer.Status}: {answer.Text}");
            if (!signedAsSent)
            {
                Assert.True(answer.Status == HttpStatusCode.Unauthorized, $"Iteration {i}, not signed as sent, answered {(int)answer.Status}: {answer.Text}");
            }
            else if (answer.Status == HttpStatusCode.OK && answer.Str("status") == "Stored")
            {
                storedIds.Add($"fuzz-{i}");
            }
        }

        var (_, events, _) = await _hooks.StoredAsync(tenant.OrganisationId);
        Assert.Equal(storedIds.Count, events);
        Assert.True(events > 100, $"Only {events} validly signed events were stored; the fuzzer is not reaching the happy path.");
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}

public sealed class OutreachWebhookTests_Sqlite(SqliteApp app) : OutreachWebhookTests(app), IClassFixture<SqliteApp>;

public sealed class OutreachWebhookTests_Postgres(PostgresApp app) : OutreachWebhookTests(app), IClassFixture<PostgresApp>;
