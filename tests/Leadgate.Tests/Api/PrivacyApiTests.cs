using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Leadgate.Data;
using Leadgate.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Api;

/// <summary>Issue 19: a person's erasure that keeps the funnel, and suppression on every intake path; on SQLite and PostgreSQL.</summary>
public abstract class PrivacyApiTests(TestApp app)
{
    internal const string Email = "qwyzandra.brightwaterly@quokka-mail.example";

    /// <summary>Everything personal the tests write about the person; none may be left after erasure.</summary>
    internal static readonly string[] Personal =
    [
        "qwyzandra", "brightwaterly", "4242 1717", "zebrafish wrangler", "okapi project", "narwhal rollout", "capybara-plan", "evt-capybara",
        "walrus budget", "pangolin objection",
    ];

    private readonly IntakeClient _intake = new(app);

    /// <summary>A person with a full history: API create (with an Idempotency-Key), an event, MQL, a call, BANT, a deal, an objection, a form submit with consent.</summary>
    internal static async Task<Guid> PersonWithAHistoryAsync(TestApp app, Tenant tenant)
    {
        var intake = new IntakeClient(app);
        var created = (await tenant.Marketing.CreateLeadAsync(new
        {
            email = Email, firstName = "Qwyzandra", lastName = "Brightwaterly", jobTitle = "Zebrafish Wrangler", phone = "+31 6 4242 1717",
            source = "Webinar", campaign = "Autumn", company = new { name = "Quokka Freight", domain = "quokka-freight.example" },
        }, idempotencyKey: "create-qwyzandra")).Expect(HttpStatusCode.Created);
        var id = created.Id;
        (await tenant.Marketing.SendEventsAsync([new { externalId = "evt-capybara-1", type = "PageVisit", email = Email, occurredAt = app.Clock.GetUtcNow().AddMinutes(-5), properties = new { page = "/pricing/capybara-plan" } }]))
            .Expect(HttpStatusCode.OK);
        (await tenant.Marketing.MarkMqlAsync(id, "Qwyzandra asked for a call")).Expect(HttpStatusCode.OK);
        (await tenant.Sales.LogActivityAsync(id, "Call", "Outbound", "Connected", "Talked with Qwyzandra about the Okapi project")).Expect(HttpStatusCode.Created);
        (await tenant.Sales.SendAsync(HttpMethod.Put, $"/api/v1/leads/{id}/bant", new
        {
            budget = new { status = "Confirmed", note = "Walrus budget approved", amount = 25_000m },
            authority = new { status = "Partial", note = "Qwyzandra decides", name = "Qwyzandra Brightwaterly", role = "Zebrafish Wrangler" },
            need = new { status = "Confirmed", note = "Needs the Narwhal rollout" },
            timeline = new { status = "Unknown", note = (string?)null, date = (string?)null },
        })).Expect(HttpStatusCode.OK);
        var dealId = Guid.Parse((await tenant.Sales.AcceptAsync(id)).Expect(HttpStatusCode.OK).Str("dealId")!);
        (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/objections", new { category = "Price", text = "Pangolin objection from Qwyzandra" })).Expect(HttpStatusCode.Created);
        var form = await IntakeClient.NewFormAsync(tenant);
        (await intake.SubmitJsonAsync(form.Str("key")!, new { email = Email, firstName = "Qwyzandra", consent = true, consentVersion = form.Str("consentVersion") })).Expect(HttpStatusCode.OK);
        return id;
    }

    private static async Task<string> FunnelAsync(Tenant tenant)
    {
        var counts = new StringBuilder();
        foreach (var stage in new[] { "Iql", "Mql", "Sql", "Opportunity", "Customer", "Nurture", "Disqualified" })
        {
            var page = (await tenant.Manager.ListLeadsAsync($"?stage={stage}&limit=200")).Expect(HttpStatusCode.OK);
            counts.Append(stage).Append('=').Append(page.Body!["items"]!.AsArray().Count).Append(' ');
        }

        var feedback = (await tenant.Manager.SendAsync(HttpMethod.Get, "/api/v1/feedback")).Expect(HttpStatusCode.OK);
        return counts.Append(feedback.Body!["bySource"]!.ToJsonString()).Append(feedback.Body!["sentBack"]!.AsArray().Count).ToString();
    }

    internal static Task<ApiResponse> EraseAsync(Tenant tenant, object body) =>
        tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/privacy/erasures", body);

    [Fact]
    public async Task Erasure_RemovesThePersonsData_KeepsTheFunnelCounts_AndAnswersCountsOnly()
    {
        var tenant = await app.NewTenantAsync();
        var other = await tenant.Marketing.NewLeadAsync("someone.else@example.org");
        var id = await PersonWithAHistoryAsync(app, tenant);
        var before = await FunnelAsync(tenant);

        var erased = (await EraseAsync(tenant, new { email = "  Qwyzandra.Brightwaterly@Quokka-Mail.example ", reason = "Art. 17 request #12" })).Expect(HttpStatusCode.OK);

        Assert.Equal((1, 1, 1, 2, 1), ((int)erased.Body!["leads"]!, (int)erased.Body["deals"]!, (int)erased.Body["activities"]!, (int)erased.Body["events"]!, (int)erased.Body["consents"]!));
        Assert.True((bool)erased.Body["suppressed"]!);
        Assert.DoesNotContain(Personal, p => erased.Text.Contains(p, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(before, await FunnelAsync(tenant));
        var lead = (await tenant.Manager.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal(("Sql", "Webinar", "Autumn"), (lead.Str("stage"), lead.Str("source"), lead.Str("campaign")));
        Assert.Equal((string?)null, lead.Str("firstName") ?? lead.Str("lastName") ?? lead.Str("jobTitle") ?? lead.Str("phone"));
        Assert.DoesNotContain(Personal, p => lead.Text.Contains(p, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("quokka-mail", lead.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, lead.Body!["history"]!.AsArray().Count);
        Assert.Equal("someone.else@example.org", (await tenant.Manager.GetLeadAsync(other)).Str("email"));
        Assert.Empty((await tenant.Manager.ListLeadsAsync("?q=qwyzandra")).Body!["items"]!.AsArray());

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<LeadgateDbContext>();
        Assert.False(await db.IdempotencyRecords.AnyAsync(r => r.OrganisationId == tenant.OrganisationId && r.Key == "create-qwyzandra", TestContext.Current.CancellationToken));
        Assert.False(await db.BehaviourEvents.AnyAsync(e => e.LeadId == id && (e.Properties != null || e.ExternalId.StartsWith("evt-")), TestContext.Current.CancellationToken));
        Assert.False(await db.Consents.AnyAsync(c => c.OrganisationId == tenant.OrganisationId, TestContext.Current.CancellationToken));
        var audit = await db.AuditEntries.SingleAsync(a => a.OrganisationId == tenant.OrganisationId && a.Action == "person.erased", TestContext.Current.CancellationToken);
        Assert.Equal(("Art. 17 request #12", Leadgate.Privacy.AuditActorKind.ApiKey), (audit.Reason, audit.ActorKind));
    }

    [Fact]
    public async Task Erasure_ByLeadId_ErasesItsPerson_AndAnotherOrganisationsLeadIsNotFound()
    {
        var tenant = await app.NewTenantAsync();
        var stranger = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync("leadid.person@example.org");

        (await EraseAsync(stranger, new { leadId = id, reason = "test" })).Expect(HttpStatusCode.NotFound);
        (await tenant.Marketing.SendAsync(HttpMethod.Post, "/api/v1/privacy/erasures", new { leadId = id, reason = "test" })).Expect(HttpStatusCode.Forbidden);
        (await EraseAsync(tenant, new { leadId = id })).Expect(HttpStatusCode.BadRequest);
        (await EraseAsync(tenant, new { leadId = id, email = "x@example.org", reason = "both" })).Expect(HttpStatusCode.BadRequest);
        (await EraseAsync(tenant, new { leadId = id, reason = "request" })).Expect(HttpStatusCode.OK);

        Assert.Null((await tenant.Manager.GetLeadAsync(id)).Expect(HttpStatusCode.OK).Body!["firstName"]);
        Assert.DoesNotContain("leadid.person", (await tenant.Manager.GetLeadAsync(id)).Text, StringComparison.Ordinal);
        (await tenant.Marketing.CreateLeadAsync(new { email = "leadid.person@example.org" })).Expect(HttpStatusCode.Conflict);
        // The other organisation never had them: nothing is suppressed there.
        (await stranger.Marketing.CreateLeadAsync(new { email = "leadid.person@example.org" })).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task AfterErasure_EveryIntakePath_RefusesThePerson_WithTheSuppressionReason_AndStoresNothing()
    {
        var tenant = await app.NewTenantAsync();
        var erasedLead = await PersonWithAHistoryAsync(app, tenant);
        (await EraseAsync(tenant, new { email = Email, reason = "request" })).Expect(HttpStatusCode.OK);
        var stored = await _intake.StoredAsync(tenant.OrganisationId);

        var api = (await tenant.Marketing.CreateLeadAsync(new { email = Email.ToUpperInvariant(), firstName = "Qwyzandra" })).Expect(HttpStatusCode.Conflict);
        Assert.Equal("https://leadgate.dev/problems/suppressed", api.Str("type"));
        Assert.Equal("email", (string)api.Body!["fields"]![0]!);

        var events = (await tenant.Marketing.SendEventsAsync([
            new { externalId = "evt-ok-1", type = "PageVisit", email = "fine@example.org", occurredAt = app.Clock.GetUtcNow() },
            new { externalId = "evt-capybara-2", type = "PageVisit", email = Email, occurredAt = app.Clock.GetUtcNow() },
        ])).Expect(HttpStatusCode.Conflict);
        Assert.Equal(("https://leadgate.dev/problems/suppressed", "events[1].email"), (events.Str("type"), (string?)events.Body!["fields"]![0]));
        // By the lead's id: its anonymous row stays for the funnel, but nothing new is recorded about the person.
        var byLead = (await tenant.Marketing.SendEventsAsync([
            new { externalId = "evt-capybara-4", type = "DemoRequest", leadId = erasedLead, occurredAt = app.Clock.GetUtcNow() },
        ])).Expect(HttpStatusCode.Conflict);
        Assert.Equal(("https://leadgate.dev/problems/suppressed", "events[0].leadId"), (byLead.Str("type"), (string?)byLead.Body!["fields"]![0]));

        var form = await IntakeClient.NewFormAsync(tenant, name: "Second form");
        var web = (await _intake.SubmitJsonAsync(form.Str("key")!, new { email = Email, firstName = "Qwyzandra", consent = true, consentVersion = form.Str("consentVersion") })).Expect(HttpStatusCode.Conflict);
        Assert.Equal(("https://leadgate.dev/problems/suppressed", "email"), (web.Str("type"), (string?)web.Body!["fields"]![0]));

        // A deal's new stakeholder, and another lead's address changed to theirs: no way back in either.
        var dealId = Guid.Parse((await tenant.Sales.GetLeadAsync(erasedLead)).Expect(HttpStatusCode.OK).Str("dealId")!);
        var stakeholder = (await tenant.Sales.SendAsync(HttpMethod.Post, $"/api/v1/deals/{dealId}/stakeholders", new { email = Email, firstName = "Qwyzandra", lastName = "Brightwaterly", role = "Influencer" }))
            .Expect(HttpStatusCode.Conflict);
        Assert.Equal(("https://leadgate.dev/problems/suppressed", "email"), (stakeholder.Str("type"), (string?)stakeholder.Body!["fields"]![0]));
        var other = (await tenant.Marketing.CreateLeadAsync(new { email = "someone.else@example.org" })).Expect(HttpStatusCode.Created);
        var renamed = (await tenant.Marketing.PatchLeadAsync(other.Id, new { email = Email })).Expect(HttpStatusCode.Conflict);
        Assert.Equal(("https://leadgate.dev/problems/suppressed", "email"), (renamed.Str("type"), (string?)renamed.Body!["fields"]![0]));
        Assert.Equal("someone.else@example.org", (await tenant.Marketing.GetLeadAsync(other.Id)).Expect(HttpStatusCode.OK).Str("email"));

        var (key, secret, _) = await IntakeClient.NewWebhookSourceAsync(tenant);
        var hook = (await _intake.PostSignedAsync(key, secret, JsonSerializer.Serialize(new { id = "evt-capybara-3", @event = "replied", email = Email, firstName = "Qwyzandra", occurredAt = "2026-11-20T09:30:00Z" }), app.Clock.GetUtcNow()))
            .Expect(HttpStatusCode.Conflict);
        Assert.Equal("https://leadgate.dev/problems/suppressed", hook.Str("type"));

        var import = (await tenant.Marketing.ImportCsvAsync($"Email,First Name,Last Name\n{Email},Qwyzandra,Brightwaterly\nnew.person@example.org,New,Person\n")).Expect(HttpStatusCode.Created);
        Assert.Equal((1L, 1L), ((long)import.Body!["imported"]!, (long)import.Body["bad"]!));
        var problem = import.Body!["problems"]!.AsArray().Single()!;
        Assert.Equal(("email.suppressed", 2L), ((string?)problem["code"], (long)problem["line"]!));

        // Only the other import row and the other lead came in.
        Assert.Equal((stored.Contacts + 2, stored.Events, stored.Consents), await _intake.StoredAsync(tenant.OrganisationId));
        Assert.Empty((await tenant.Manager.ListLeadsAsync("?q=qwyzandra")).Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task Erasure_OfAnUnknownAddress_StillSuppressesIt()
    {
        var tenant = await app.NewTenantAsync();

        var erased = (await EraseAsync(tenant, new { email = "never.seen@example.org", reason = "objection before contact" })).Expect(HttpStatusCode.OK);

        Assert.Equal((0, true), ((int)erased.Body!["leads"]!, (bool)erased.Body["suppressed"]!));
        (await tenant.Marketing.CreateLeadAsync(new { email = "never.seen@example.org" })).Expect(HttpStatusCode.Conflict);
        (await tenant.Marketing.CreateLeadAsync(new { email = "seen@example.org" })).Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Export_HoldsTheContactLeadHistoryActivitiesBantEventsDealAndConsents_AndIsInTheAuditLog()
    {
        var tenant = await app.NewTenantAsync();
        var stranger = await app.NewTenantAsync();
        var id = await PersonWithAHistoryAsync(app, tenant);

        var export = (await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/privacy/people?email={Uri.EscapeDataString(Email.ToUpperInvariant())}")).Expect(HttpStatusCode.OK).Body!;

        Assert.Equal(("Qwyzandra", "+31 6 4242 1717"), ((string?)export["contact"]!["firstName"], (string?)export["contact"]!["phone"]));
        var lead = export["leads"]!.AsArray().Single()!;
        Assert.Equal((id.ToString(), "Quokka Freight"), ((string?)lead["id"], (string?)lead["company"]!["name"]));
        Assert.Equal(3, lead["history"]!.AsArray().Count);
        Assert.Contains("Okapi project", (string?)lead["activities"]![0]!["notes"], StringComparison.Ordinal);
        Assert.Equal("Needs the Narwhal rollout", (string?)lead["bant"]!["need"]!["note"]);
        Assert.Contains(export["events"]!.AsArray(), e => ((string?)e!["properties"])?.Contains("capybara-plan", StringComparison.Ordinal) == true);
        Assert.Single(export["deals"]!.AsArray());
        Assert.Single(export["handovers"]!.AsArray());
        Assert.Equal("Contact us", (string?)export["consents"]!.AsArray().Single()!["formName"]);
        var contactId = (string)export["contact"]!["id"]!;
        var audit = (await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/audit?entity=Person&entityId={contactId}")).Expect(HttpStatusCode.OK);
        var entry = audit.Body!["items"]!.AsArray().Single()!;
        Assert.Equal(("person.exported", "ApiKey"), ((string?)entry["action"], (string?)entry["actorKind"]));
        Assert.DoesNotContain("qwyzandra", audit.Text, StringComparison.OrdinalIgnoreCase);

        (await stranger.Admin.SendAsync(HttpMethod.Get, $"/api/v1/privacy/people?email={Uri.EscapeDataString(Email)}")).Expect(HttpStatusCode.NotFound);
        (await tenant.Sales.SendAsync(HttpMethod.Get, $"/api/v1/privacy/people?email={Uri.EscapeDataString(Email)}")).Expect(HttpStatusCode.Forbidden);
        (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/audit")).Expect(HttpStatusCode.Forbidden);
        Assert.Empty((await stranger.Admin.SendAsync(HttpMethod.Get, $"/api/v1/audit?entityId={id}")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task TheLead_ShowsItsLawfulBasisAndConsents_AsEachIntakePathRecordedThem()
    {
        var tenant = await app.NewTenantAsync();
        var byApi = await tenant.Marketing.NewLeadAsync("api.person@example.org");
        (await tenant.Marketing.ImportCsvAsync("Email,First Name\nimported.person@example.org,Imp\n")).Expect(HttpStatusCode.Created);
        var form = await IntakeClient.NewFormAsync(tenant);
        (await _intake.SubmitJsonAsync(form.Str("key")!, new { email = "form.person@example.org", consent = true, consentVersion = form.Str("consentVersion") })).Expect(HttpStatusCode.OK);

        async Task<JsonNode> LeadOf(string email) =>
            (await tenant.Manager.GetLeadAsync(Guid.Parse((string)(await tenant.Manager.ListLeadsAsync($"?q={email}")).Body!["items"]![0]!["id"]!))).Expect(HttpStatusCode.OK).Body!;

        var api = (await tenant.Manager.GetLeadAsync(byApi)).Body!;
        Assert.Equal(("LegitimateInterest", "Api"), ((string?)api["lawfulBasis"]!["basis"], (string?)api["lawfulBasis"]!["source"]));
        Assert.Empty(api["consents"]!.AsArray());
        var imported = await LeadOf("imported.person");
        Assert.Equal(("LegitimateInterest", "Import"), ((string?)imported["lawfulBasis"]!["basis"], (string?)imported["lawfulBasis"]!["source"]));
        var byForm = await LeadOf("form.person");
        Assert.Equal(("Consent", "Form"), ((string?)byForm["lawfulBasis"]!["basis"], (string?)byForm["lawfulBasis"]!["source"]));
        var consent = byForm["consents"]!.AsArray().Single()!;
        Assert.Equal(("Contact us", "Yes, Acme may e-mail me about its products.", form.Str("consentVersion")), ((string?)consent["formName"], (string?)consent["text"], (string?)consent["textVersion"]));
    }

    [Fact]
    public async Task TheAuditLog_RecordsStageChangesAndAssignments_ByWhom_AndPagesWithACursor()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Sales.QualifiedMqlAsync(tenant.Marketing);
        (await tenant.Manager.AssignAsync(id, tenant.Members["sales2"].Id)).Expect(HttpStatusCode.OK);

        var all = (await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/audit?entity=Lead&entityId={id}")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        Assert.Contains(all, e => (string?)e!["action"] == "lead.stage_changed" && (string?)e["fields"]![0] == "stage");
        var assigned = all.Single(e => (string?)e!["action"] == "lead.assigned" && (string?)e["actorId"] == tenant.Members["manager"].Id.ToString())!;
        Assert.Equal("ownerId", (string?)assigned["fields"]![0]);
        var byManager = (await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/audit?actor={tenant.Members["manager"].Id}")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        Assert.All(byManager, e => Assert.Equal(tenant.Members["manager"].Id.ToString(), (string?)e!["actorId"]));
        Assert.NotEmpty(byManager);

        var paged = new List<string>();
        string? cursor = null;
        do
        {
            var page = (await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/audit?entityId={id}&limit=1{(cursor is null ? "" : "&cursor=" + cursor)}")).Expect(HttpStatusCode.OK).Body!;
            paged.AddRange(page["items"]!.AsArray().Select(e => (string)e!["id"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        Assert.Equal(all.Select(e => (string)e!["id"]!), paged);
        var future = Uri.EscapeDataString(app.Clock.GetUtcNow().AddHours(1).ToString("O"));
        Assert.Empty((await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/audit?entityId={id}&from={future}")).Body!["items"]!.AsArray());
        (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/audit?cursor=nonsense")).Expect(HttpStatusCode.BadRequest);
    }
}

public sealed class PrivacyApiTests_Sqlite(SqliteApp app) : PrivacyApiTests(app), IClassFixture<SqliteApp>;

public sealed class PrivacyApiTests_Postgres(PostgresApp app) : PrivacyApiTests(app), IClassFixture<PostgresApp>;

/// <summary>R8 on SQLite, on a database of its own (no other test's person in it): the raw file and its WAL, after a checkpoint, hold none of the person's bytes.</summary>
public sealed class ErasureFileTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task TheAuditLog_RecordsSettingsChanges_AndApiKeys_ByWhom_WithoutTheirValues()
    {
        var tenant = await app.NewTenantAsync();
        foreach (var settings in new[] { "sla", "scoring" })
        {
            var current = (await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/settings/{settings}")).Expect(HttpStatusCode.OK);
            (await tenant.Admin.SendAsync(HttpMethod.Put, $"/api/v1/settings/{settings}", rawJson: current.Text)).Expect(HttpStatusCode.OK);
        }

        var key = (await tenant.Sales.SendAsync(HttpMethod.Post, "/api/v1/api-keys", new { name = "Zapier sync" })).Expect(HttpStatusCode.Created);
        var keyId = Guid.Parse((string)key.Body!["key"]!["id"]!);
        (await tenant.Admin.SendAsync(HttpMethod.Delete, $"/api/v1/api-keys/{keyId}")).Expect(HttpStatusCode.OK);

        var entries = (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/audit?limit=20")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray()
            .Select(e => ((string)e!["action"]!, (string)e["entity"]!, (string?)e["entityId"], (string)e["actorKind"]!)).Take(4).ToList();
        Assert.Equal(
            [
                ("apikey.revoked", "ApiKey", keyId.ToString(), "ApiKey"), // the admin, through the test's API key
                ("apikey.created", "ApiKey", keyId.ToString(), "User"),
                ("settings.scoring_changed", "Settings", null, "ApiKey"),
                ("settings.sla_changed", "Settings", null, "ApiKey"),
            ],
            entries);
        var created = (await tenant.Admin.SendAsync(HttpMethod.Get, $"/api/v1/audit?entity=ApiKey&entityId={keyId}")).Body!["items"]!.AsArray().Last()!;
        Assert.Equal(tenant.Members["sales"].Id.ToString(), (string?)created["actorId"]);
        Assert.DoesNotContain("Zapier", (await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/audit?entity=ApiKey")).Text, StringComparison.Ordinal);
    }

    private static readonly string[] HookEvents = ["lead.sql"];

    [Fact]
    public async Task TheAuditLog_RecordsLeadEdits_FormsSourcesAndWebhooks_AndAddedUsers_ByFieldName()
    {
        var tenant = await app.NewTenantAsync();
        var lead = await tenant.Marketing.NewLeadAsync();
        (await tenant.Marketing.PatchLeadAsync(lead, new { jobTitle = "Chief Zebra Officer", phone = "+31 6 1234 5678" })).Expect(HttpStatusCode.OK);
        var form = (await IntakeClient.NewFormAsync(tenant)).Id;
        var (_, _, sourceId) = await IntakeClient.NewWebhookSourceAsync(tenant);
        (await tenant.Admin.SendAsync(HttpMethod.Post, $"/api/v1/settings/webhook-sources/{sourceId}/rotate")).Expect(HttpStatusCode.OK);
        var hook = (string)(await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/webhooks", new { url = "https://audit.example.com/hooks", events = HookEvents }))
            .Expect(HttpStatusCode.Created).Body!["subscription"]!["id"]!;
        var deleted = await tenant.Admin.SendAsync(HttpMethod.Delete, $"/api/v1/settings/webhooks/{hook}");
        Assert.True(deleted.Message.IsSuccessStatusCode, deleted.Text);

        var log = await tenant.Admin.SendAsync(HttpMethod.Get, "/api/v1/audit?limit=200");
        var entries = log.Expect(HttpStatusCode.OK).Body!["items"]!.AsArray()
            .Select(e => ((string)e!["action"]!, (string?)e["entityId"], string.Join(',', e["fields"]!.AsArray().Select(f => (string)f!).Order(StringComparer.Ordinal)))).ToList();
        Assert.Contains(("lead.changed", lead.ToString(), "jobTitle,phone"), entries);
        Assert.Contains(("webform.created", form.ToString(), "consentText,name,redirectUrl"), entries);
        Assert.Contains(("webhooksource.created", sourceId.ToString(), "name,secret,tool"), entries);
        Assert.Contains(("webhooksource.rotated", sourceId.ToString(), "secret"), entries);
        Assert.Contains(("webhook.created", hook, "events,secret,url"), entries);
        Assert.Contains(("webhook.deleted", hook, ""), entries);
        Assert.Equal(tenant.Members.Count, entries.Count(e => e.Item1 == "user.added"));
        Assert.DoesNotContain("Zebra", log.Text, StringComparison.Ordinal); // the names of the fields, never their values
    }

    [Fact]
    public async Task Erasure_LeavesNoByteOfThePerson_InTheDatabaseFileOrItsWal_AfterACheckpoint()
    {
        var tenant = await app.NewTenantAsync();
        var id = await PrivacyApiTests.PersonWithAHistoryAsync(app, tenant);
        var path = new SqliteConnectionStringBuilder(app.ConnectionString).DataSource;
        await CheckpointAsync(path);
        // More of them after the checkpoint: in the WAL only, until the next one.
        (await tenant.Sales.LogActivityAsync(id, "Email", "Outbound", null, "Sent Qwyzandra the Okapi project plan")).Expect(HttpStatusCode.Created);
        Assert.Contains("okapi project", Found(path), StringComparer.Ordinal);
        Assert.Contains("okapi project", Found(path + "-wal"), StringComparer.Ordinal);
        Assert.Contains("qwyzandra", Found(path), StringComparer.Ordinal);

        (await PrivacyApiTests.EraseAsync(tenant, new { email = PrivacyApiTests.Email, reason = "request" })).Expect(HttpStatusCode.OK);
        await CheckpointAsync(path);

        Assert.Empty(Found(path));
        Assert.Empty(File.Exists(path + "-wal") ? Found(path + "-wal") : []);
    }

    private static async Task CheckpointAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout=30000;";
        await command.ExecuteNonQueryAsync();
        // SQLite answers "busy" at once to a checkpoint that meets another (the app's background one, every 50 ms): try again.
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        var last = "";
        for (var attempt = 0; attempt < 250; attempt++)
        {
            await using (var reader = await command.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync());
                last = $"{reader.GetInt64(0)} {reader.GetInt64(1)} {reader.GetInt64(2)}";
                if (reader.GetInt64(0) == 0)
                {
                    return;
                }
            }

            await Task.Delay(20);
        }

        Assert.Fail("The checkpoint stayed blocked for 5 s: " + last);
    }

    /// <summary>Which of the person's strings are in the file's raw bytes, in any letter case.</summary>
    private static List<string> Found(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] is >= (byte)'A' and <= (byte)'Z')
            {
                bytes[i] += 32;
            }
        }

        return [.. PrivacyApiTests.Personal.Where(p => bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(p)) >= 0)];
    }
}
