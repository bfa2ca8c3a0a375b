using System.Net;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>Issue 3 (c): public web forms — consent, honeypot, rate limit, validation; run on SQLite and on PostgreSQL.</summary>
public abstract class WebFormTests(TestApp app)
{
    private readonly IntakeClient _web = new(app);

    private static object Submit(string email, string? consentVersion, bool consent = true, string? website = null) => new
    {
        email,
        firstName = "Sanne",
        lastName = "Jansen",
        company = "Jansen Transport",
        jobTitle = "Operations Director",
        phone = "+31 6 1234 5678",
        consent,
        consentVersion,
        website,
    };

    [Fact]
    public async Task ASubmit_CreatesTheLead_WithAFormSubmitEvent_AndRecordsTheConsentGiven()
    {
        var tenant = await app.NewTenantAsync();
        var form = await IntakeClient.NewFormAsync(tenant);
        var version = form.Str("consentVersion");

        var answer = (await _web.SubmitJsonAsync(form.Str("key")!, Submit("sanne@jansen-transport.nl", version))).Expect(HttpStatusCode.OK);

        Assert.True((bool)answer.Body!["accepted"]!);
        var row = (await tenant.Marketing.ListLeadsAsync()).Body!["items"]!.AsArray().Single()!;
        var lead = (await tenant.Marketing.GetLeadAsync(Guid.Parse((string)row["id"]!))).Expect(HttpStatusCode.OK);
        Assert.Equal(("Iql", "Sanne", "Operations Director", "Jansen Transport"), (lead.Str("stage"), lead.Str("firstName"), lead.Str("jobTitle"), (string)lead.Body!["company"]!["name"]!));
        Assert.Equal(("Web form", "Contact us"), (lead.Str("source"), lead.Str("campaign")));
        Assert.Equal("Web form: Contact us", (string)lead.Body!["history"]![0]!["actorName"]!);
        var submits = lead.Body!["scoreBreakdown"]!["engagement"]!.AsArray().Single(t => (string)t!["type"]! == "FormSubmit")!;
        Assert.Equal(1, (int)submits["count"]!);
        var consent = Assert.Single(await _web.ConsentsAsync(tenant.OrganisationId));
        Assert.Equal(("Contact us", "Yes, Acme may e-mail me about its products.", version), (consent.FormName, consent.Text, consent.TextVersion));
        Assert.Equal(form.Id, consent.FormId);
    }

    [Fact]
    public async Task ABrowserPost_IsReadAsAForm_AndRedirectsToTheThankYouPage()
    {
        var tenant = await app.NewTenantAsync();
        var form = await IntakeClient.NewFormAsync(tenant, redirectUrl: "https://www.example.com/thanks");

        var answer = await _web.SubmitFormAsync(form.Str("key")!, [new("email", "pieter@bakker.example.com"), new("firstName", "Pieter"), new("consent", "on"), new("consentVersion", form.Str("consentVersion")!), new("website", "")]);

        Assert.Equal(HttpStatusCode.Redirect, answer.Status);
        Assert.Equal("https://www.example.com/thanks", answer.Location!.ToString());
        Assert.Equal((1, 1, 1), await _web.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task ADoubleSubmit_IsOneEventAndOneConsent()
    {
        var tenant = await app.NewTenantAsync();
        var form = await IntakeClient.NewFormAsync(tenant);
        var body = Submit("twice@example.nl", form.Str("consentVersion"));
        var now = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMinute - (now.UtcTicks % TimeSpan.TicksPerMinute)) + TimeSpan.FromSeconds(1));

        (await _web.SubmitJsonAsync(form.Str("key")!, body)).Expect(HttpStatusCode.OK);
        app.Clock.Advance(TimeSpan.FromSeconds(2));
        (await _web.SubmitJsonAsync(form.Str("key")!, body)).Expect(HttpStatusCode.OK);
        (await _web.SubmitJsonAsync(form.Str("key")!, body, idempotencyKey: "page-load-1")).Expect(HttpStatusCode.OK);
        (await _web.SubmitJsonAsync(form.Str("key")!, body, idempotencyKey: "page-load-1")).Expect(HttpStatusCode.OK);

        // Without a key, the same minute is the same submit; with one, the key is.
        Assert.Equal((1, 2, 2), await _web.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task AResubmit_RecordsTheConsent_WhenTheFirstSubmitStoppedBeforeSavingIt()
    {
        var tenant = await app.NewTenantAsync();
        var form = await IntakeClient.NewFormAsync(tenant);
        var now = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerMinute - (now.UtcTicks % TimeSpan.TicksPerMinute)) + TimeSpan.FromSeconds(1));
        var body = Submit("interrupted@example.nl", form.Str("consentVersion"));
        (await _web.SubmitJsonAsync(form.Str("key")!, body)).Expect(HttpStatusCode.OK);
        await _web.ForgetConsentsAsync(tenant.OrganisationId);

        (await _web.SubmitJsonAsync(form.Str("key")!, body)).Expect(HttpStatusCode.OK);

        Assert.Equal((1, 1, 1), await _web.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task AKnownLeadsFacts_AreNotChangedByAnAnonymousForm()
    {
        var tenant = await app.NewTenantAsync();
        var id = await tenant.Marketing.NewLeadAsync("known@prospect.example.com");
        var form = await IntakeClient.NewFormAsync(tenant);

        (await _web.SubmitJsonAsync(form.Str("key")!, Submit("known@prospect.example.com", null, consent: false))).Expect(HttpStatusCode.OK);

        var lead = (await tenant.Marketing.GetLeadAsync(id)).Expect(HttpStatusCode.OK);
        Assert.Equal(("Femke", "Head of Operations", "Website"), (lead.Str("firstName"), lead.Str("jobTitle"), lead.Str("source")));
        Assert.Equal((1, 1, 0), await _web.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task AFilledHoneypot_IsAnsweredAsAccepted_ButStoresNothing()
    {
        var tenant = await app.NewTenantAsync();
        var form = await IntakeClient.NewFormAsync(tenant, redirectUrl: "https://www.example.com/thanks");

        var json = (await _web.SubmitJsonAsync(form.Str("key")!, Submit("bot@spam.example.com", form.Str("consentVersion"), website: "http://spam.example.com"))).Expect(HttpStatusCode.OK);
        var posted = await _web.SubmitFormAsync(form.Str("key")!, [new("email", "bot@spam.example.com"), new("website", "cheap pills")]);

        Assert.True((bool)json.Body!["accepted"]!);
        Assert.Equal(HttpStatusCode.Redirect, posted.Status);
        Assert.Equal((0, 0, 0), await _web.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task TheEleventhSubmitInAMinute_FromOneAddressToOneForm_Is429()
    {
        var tenant = await app.NewTenantAsync();
        var form = await IntakeClient.NewFormAsync(tenant);
        var other = await IntakeClient.NewFormAsync(tenant, "Newsletter");

        for (var i = 1; i <= 10; i++)
        {
            (await _web.SubmitJsonAsync(form.Str("key")!, Submit($"person{i}@example.nl", form.Str("consentVersion")))).Expect(HttpStatusCode.OK);
        }

        var refused = (await _web.SubmitJsonAsync(form.Str("key")!, Submit("person11@example.nl", form.Str("consentVersion")))).Expect(HttpStatusCode.TooManyRequests);

        Assert.Equal("https://leadgate.dev/problems/rate-limited", refused.Str("type"));
        Assert.Equal("60", refused.Message.Headers.RetryAfter?.ToString());
        Assert.Equal(10, (await _web.StoredAsync(tenant.OrganisationId)).Contacts);
        (await _web.SubmitJsonAsync(other.Str("key")!, Submit("person11@example.nl", other.Str("consentVersion")))).Expect(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("not-an-address", null, "email")]
    [InlineData("", null, "email")]
    [InlineData("ok@example.nl", "wrong-version", "consentVersion")]
    public async Task ABadSubmit_Is400NamingTheField_AndStoresNothing(string email, string? consentVersion, string field)
    {
        var tenant = await app.NewTenantAsync();
        var form = await IntakeClient.NewFormAsync(tenant);

        var answer = (await _web.SubmitJsonAsync(form.Str("key")!, Submit(email, consentVersion))).Expect(HttpStatusCode.BadRequest);

        Assert.NotNull(answer.Body!["errors"]![field]);
        Assert.Equal((0, 0, 0), await _web.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task OtherBadFields_AreNamed_WhateverTheEncoding()
    {
        var tenant = await app.NewTenantAsync();
        var form = await IntakeClient.NewFormAsync(tenant);
        var key = form.Str("key")!;

        var longName = (await _web.SubmitFormAsync(key, [new("email", "a@example.nl"), new("firstName", new string('x', 101))])).Expect(HttpStatusCode.BadRequest);
        var badConsent = (await _web.SubmitFormAsync(key, [new("email", "a@example.nl"), new("consent", "maybe")])).Expect(HttpStatusCode.BadRequest);
        var wrongType = (await _web.SendAsync(HttpMethod.Post, $"/forms/{key}", new StringContent("""{"email":["a@example.nl"]}""", System.Text.Encoding.UTF8, "application/json"))).Expect(HttpStatusCode.BadRequest);
        var loneSurrogate = (await _web.SendAsync(HttpMethod.Post, $"/forms/{key}", new StringContent("""{"email":"a@example.nl","lastName":"\udc00"}""", System.Text.Encoding.UTF8, "application/json"))).Expect(HttpStatusCode.BadRequest);
        var loneSurrogateName = (await _web.SendAsync(HttpMethod.Post, $"/forms/{key}", new StringContent("""{"email":"a@example.nl","last\ud800Name":"x"}""", System.Text.Encoding.UTF8, "application/json"))).Expect(HttpStatusCode.BadRequest);
        var notJson = (await _web.SendAsync(HttpMethod.Post, $"/forms/{key}", new StringContent("""{"email":""", System.Text.Encoding.UTF8, "application/json"))).Expect(HttpStatusCode.BadRequest);

        Assert.NotNull(longName.Body!["errors"]!["firstName"]);
        Assert.NotNull(badConsent.Body!["errors"]!["consent"]);
        Assert.NotNull(wrongType.Body!["errors"]!["email"]);
        Assert.NotNull(notJson.Body!["errors"]!["body"]);
        Assert.NotNull(loneSurrogate.Body!["errors"]!["lastName"]);
        Assert.NotNull(loneSurrogateName.Body!["errors"]!["body"]);
        Assert.Equal((0, 0, 0), await _web.StoredAsync(tenant.OrganisationId));
    }

    [Fact]
    public async Task AnUnknownOrDeletedFormKey_Is404()
    {
        var tenant = await app.NewTenantAsync();
        var form = await IntakeClient.NewFormAsync(tenant);
        (await tenant.Marketing.SendAsync(HttpMethod.Delete, $"/api/v1/settings/forms/{form.Id}")).Expect(HttpStatusCode.NoContent);

        var deleted = (await _web.SubmitJsonAsync(form.Str("key")!, Submit("a@example.nl", null))).Expect(HttpStatusCode.NotFound);
        (await _web.SubmitJsonAsync("no-such-form", Submit("a@example.nl", null))).Expect(HttpStatusCode.NotFound);

        Assert.Equal("https://leadgate.dev/problems/not-found", deleted.Str("type"));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("ftp://example.com/thanks")]
    [InlineData("/thanks")]
    [InlineData("https://user:pass@example.com/")]
    public async Task ARedirectThatIsNotAnHttpAddress_IsRefused(string redirectUrl)
    {
        var tenant = await app.NewTenantAsync();

        var answer = (await tenant.Marketing.SendAsync(HttpMethod.Post, "/api/v1/settings/forms", new { name = "Contact", consentText = "Yes.", redirectUrl })).Expect(HttpStatusCode.BadRequest);

        Assert.NotNull(answer.Body!["errors"]!["redirectUrl"]);
    }

    [Fact]
    public async Task Forms_AreManagedByMarketingOrAnAdmin_AndReadByEveryMember()
    {
        var tenant = await app.NewTenantAsync();
        var form = await IntakeClient.NewFormAsync(tenant);

        (await tenant.Sales.SendAsync(HttpMethod.Post, "/api/v1/settings/forms", new { name = "x", consentText = "y" })).Expect(HttpStatusCode.Forbidden);
        (await tenant.Sales.SendAsync(HttpMethod.Delete, $"/api/v1/settings/forms/{form.Id}")).Expect(HttpStatusCode.Forbidden);
        var list = (await tenant.Sales.SendAsync(HttpMethod.Get, "/api/v1/settings/forms")).Expect(HttpStatusCode.OK);
        Assert.Equal($"/forms/{form.Str("key")}", (string)list.Body!.AsArray().Single()!["path"]!);
        var missing = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/settings/forms", new { name = "x" })).Expect(HttpStatusCode.BadRequest);
        Assert.NotNull(missing.Body!["errors"]!["consentText"]);
    }
}

public sealed class WebFormTests_Sqlite(SqliteApp app) : WebFormTests(app), IClassFixture<SqliteApp>;

public sealed class WebFormTests_Postgres(PostgresApp app) : WebFormTests(app), IClassFixture<PostgresApp>;
