using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Leadgate.Tests.Imports;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>The import endpoints as a scripted client calls them.</summary>
public static class ImportsClient
{
    public static Task<ApiResponse> ImportCsvAsync(this LeadgateClient client, string csv, string query = "") =>
        SendAsync(client, HttpMethod.Post, "/api/v1/imports" + query, new StringContent(csv, Encoding.UTF8, "text/csv"));

    public static Task<ApiResponse> ImportFormAsync(this LeadgateClient client, string fileName, string csv, string? mapping = null, bool allOrNothing = false)
    {
        var form = new MultipartFormDataContent();
        var file = new StringContent(csv, Encoding.UTF8);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        if (mapping is not null)
        {
            form.Add(new StringContent(mapping, Encoding.UTF8), "mapping");
        }

        if (allOrNothing)
        {
            form.Add(new StringContent("true"), "allOrNothing");
        }

        return SendAsync(client, HttpMethod.Post, "/api/v1/imports", form);
    }

    public static async Task<ApiResponse> SendAsync(LeadgateClient client, HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        var response = await client.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new ApiResponse(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }
}

public abstract class ImportsApiTests(TestApp app)
{
    [Fact]
    public async Task PostCsvBody_Answers201WithTheJob_AndTheJobCanBeRead_AndTheSameFileAgainIs200WithTheSameJob()
    {
        var tenant = await app.NewTenantAsync();
        var file = ExportFiles.HubSpot(300);

        var created = (await tenant.Marketing.ImportCsvAsync(file.Csv, "?fileName=contacts.csv")).Expect(HttpStatusCode.Created);
        var read = (await tenant.Marketing.SendAsync(HttpMethod.Get, created.Location!.ToString())).Expect(HttpStatusCode.OK);
        var again = (await tenant.Marketing.ImportCsvAsync(file.Csv)).Expect(HttpStatusCode.OK);

        Assert.Equal(("contacts.csv", "HubSpot", "Completed"), (created.Str("fileName"), created.Str("format"), created.Str("status")));
        Assert.Equal(file.DistinctEmails, (int)created.Body!["imported"]!);
        Assert.Equal(created.Text, read.Text);
        Assert.Equal(created.Id, again.Id);
        var leads = (await tenant.Marketing.ListLeadsAsync("?limit=1")).Expect(HttpStatusCode.OK);
        Assert.Single(leads.Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task TwoDifferentFiles_IntoOneOrganisation_AsBodyThenMultipart_AreEachImportedAsTheirOwnJob_AndARepeatIsRecognised()
    {
        var tenant = await app.NewTenantAsync();
        var first = ExportFiles.HubSpot(40, seed: 1);
        var second = ExportFiles.Salesforce(30, seed: 2);
        var third = ExportFiles.HubSpot(20, seed: 3);

        var one = (await tenant.Marketing.ImportCsvAsync(first.Csv, "?fileName=first.csv")).Expect(HttpStatusCode.Created);
        var two = (await tenant.Marketing.ImportFormAsync("second.csv", second.Csv)).Expect(HttpStatusCode.Created);
        var three = (await tenant.Marketing.ImportCsvAsync(third.Csv, "?fileName=third.csv")).Expect(HttpStatusCode.Created);
        var twoAgain = (await tenant.Marketing.ImportFormAsync("second-again.csv", second.Csv)).Expect(HttpStatusCode.OK);
        var oneAgain = (await tenant.Marketing.ImportCsvAsync(first.Csv)).Expect(HttpStatusCode.OK);

        Assert.Equal(3, new[] { one.Id, two.Id, three.Id }.Distinct().Count());
        Assert.Equal((two.Id, one.Id), (twoAgain.Id, oneAgain.Id));
        Assert.Equal(
            (first.DistinctEmails, second.DistinctEmails, third.DistinctEmails),
            ((int)one.Body!["imported"]!, (int)two.Body!["imported"]!, (int)three.Body!["imported"]!));
        Assert.NotEqual(one.Str("contentHash"), two.Str("contentHash"));
        var leads = (await tenant.Marketing.ListLeadsAsync("?limit=200")).Expect(HttpStatusCode.OK);
        Assert.Equal(first.DistinctEmails + second.DistinctEmails + third.DistinctEmails, leads.Body!["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task PostMultipart_WithBadRows_ReportsEachRow_AndAllOrNothingImportsNothing()
    {
        var tenant = await app.NewTenantAsync();
        const string csv = "Email,Voornaam\r\nok@acme.example.com,Ok\r\nnot-an-email,Bad\r\n";
        const string mapping = """{ "Email": "email", "Voornaam": "firstName" }""";

        var refused = (await tenant.Marketing.ImportFormAsync("nl.csv", csv, mapping, allOrNothing: true)).Expect(HttpStatusCode.Created);
        var partial = (await tenant.Admin.ImportFormAsync("nl.csv", csv, mapping)).Expect(HttpStatusCode.Created);

        Assert.Equal(("Refused", 0, 1), (refused.Str("status"), (int)refused.Body!["imported"]!, (int)refused.Body!["bad"]!));
        Assert.Equal(("Completed", 1, 1), (partial.Str("status"), (int)partial.Body!["imported"]!, (int)partial.Body!["bad"]!));
        var problem = partial.Body!["problems"]!.AsArray().Single()!;
        Assert.Equal((3, "Email", "This is not a valid e-mail address."), ((int)problem["line"]!, (string)problem["column"]!, (string)problem["reason"]!));
    }

    [Fact]
    public async Task EachProblemRow_CarriesItsCodeAndNumbers_BesideTheEnglishReason_AlsoWhenRefused()
    {
        var tenant = await app.NewTenantAsync();
        var csv = $"Email,Voornaam,Medewerkers\r\nnot-an-email,Bad,5\r\nok@acme.example.com,{new string('x', 101)},5\r\nbig@acme.example.com,Big,20000000\r\n";
        const string mapping = """{ "Email": "email", "Voornaam": "firstName", "Medewerkers": "employees" }""";

        var refused = (await tenant.Marketing.ImportFormAsync("codes.csv", csv, mapping, allOrNothing: true)).Expect(HttpStatusCode.Created);
        var partial = (await tenant.Marketing.ImportCsvAsync(csv, "?mapping=" + Uri.EscapeDataString(mapping))).Expect(HttpStatusCode.Created);
        var read = (await tenant.Marketing.SendAsync(HttpMethod.Get, partial.Location!.ToString())).Expect(HttpStatusCode.OK);

        (int, string, string, string, string)[] expected =
        [
            (2, "Email", "This is not a valid e-mail address.", "email.invalid", ""),
            (3, "Voornaam", "At most 100 characters.", "field.tooLong", "100"),
            (4, "Medewerkers", "Between 0 and 10,000,000.", "number.outOfRange", "0,10000000"),
        ];
        foreach (var job in new[] { refused, partial, read })
        {
            Assert.Equal(expected, job.Body!["problems"]!.AsArray().Select(p => (
                (int)p!["line"]!, (string)p["column"]!, (string)p["reason"]!, (string)p["code"]!, string.Join(',', p["arguments"]!.AsArray().Select(n => (long)n!)))));
        }
    }

    [Fact]
    public async Task TheRowReport_DownloadsAsCsv_ForTheOrganisationOnly()
    {
        var tenant = await app.NewTenantAsync();
        var other = await app.NewTenantAsync();
        var job = (await tenant.Marketing.ImportFormAsync("nl.csv", "Email,Voornaam\r\nok@acme.example.com,Ok\r\nnot-an-email,Bad\r\n", """{ "Email": "email", "Voornaam": "firstName" }""")).Expect(HttpStatusCode.Created);
        using var http = app.ClientFor(tenant.Members["sales"]);
        using var stranger = app.ClientFor(other.Members["marketing"]);

        using var report = await http.GetAsync($"/api/v1/imports/{job.Id}/report.csv", TestContext.Current.CancellationToken);
        using var elsewhere = await stranger.GetAsync($"/api/v1/imports/{job.Id}/report.csv", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/csv", report.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"import-{job.Id}-report.csv", report.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal("line,column,reason\n3,\"Email\",\"This is not a valid e-mail address.\"\n",
            (await report.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
    }

    [Fact]
    public async Task UnknownColumns_AnswerAValidationProblemNamingThem_AndAnotherMediaTypeIs415()
    {
        var tenant = await app.NewTenantAsync();

        var unknown = (await tenant.Marketing.ImportCsvAsync("Mail,Naam\r\na@b.example.com,A\r\n")).Expect(HttpStatusCode.BadRequest);
        (await tenant.Marketing.SendAsync(HttpMethod.Post, "/api/v1/imports", new { email = "a@b.example.com" })).Expect(HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("Columns found: \\u0022Mail\\u0022, \\u0022Naam\\u0022.", unknown.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASalesforceExport_WithALineBreakInsideAJobTitle_ImportsThatRowWithASpace_AndOtherControlCharactersAreStillRefused()
    {
        var tenant = await app.NewTenantAsync();
        var csv = "Email,First Name,Last Name,Title,Company,Lead Source\r\n"
            + "anna@bakker.example.com,Anna,de\tVries,\"Head of\r\nSales\",\"Bakker\n\nLogistiek\",Web\r\n"
            + "bell@bakker.example.com,Bell,Ringer,\"Chief\u0007Officer\",Bakker,Web\r\n";

        var job = (await tenant.Marketing.ImportCsvAsync(csv, "?fileName=salesforce.csv")).Expect(HttpStatusCode.Created);

        Assert.Equal(("Salesforce", 1, 1), (job.Str("format"), (int)job.Body!["imported"]!, (int)job.Body!["bad"]!));
        var problem = job.Body!["problems"]!.AsArray().Single()!;
        Assert.Equal((6, "Title", "field.controlCharacters"), ((int)problem["line"]!, (string)problem["column"]!, (string)problem["code"]!));
        var item = (await tenant.Marketing.ListLeadsAsync("?limit=10")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray().Single()!;
        var lead = (await tenant.Marketing.GetLeadAsync((Guid)item["id"]!)).Expect(HttpStatusCode.OK);
        Assert.Equal(("anna@bakker.example.com", "de Vries", "Head of Sales", "Bakker Logistiek"),
            (lead.Str("email"), lead.Str("lastName"), lead.Str("jobTitle"), (string?)lead.Body!["company"]!["name"]));
    }

    [Theory]
    [InlineData("Email,First Name,Last Name,Company,Job Title,Phone")]
    [InlineData("E-mailadres;Voornaam;Achternaam;Bedrijf;Functie;Telefoon")]
    public async Task APlainCsv_WithEnglishOrDutchHeaders_ImportsWithoutAMapping(string header)
    {
        var tenant = await app.NewTenantAsync();
        var separator = header.Contains(';', StringComparison.Ordinal) ? ";" : ",";
        var csv = header + "\r\n" + string.Join(separator, "jan@voorbeeld.nl", "Jan", "Jansen", "Voorbeeld BV", "CFO", "+31 20 123 4567") + "\r\n";

        var job = (await tenant.Marketing.ImportFormAsync("plain.csv", csv)).Expect(HttpStatusCode.Created);

        Assert.Equal(("Plain", 1, 0), (job.Str("format"), (int)job.Body!["imported"]!, (int)job.Body!["bad"]!));
        var item = (await tenant.Marketing.ListLeadsAsync("?limit=10")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray().Single()!;
        var lead = (await tenant.Marketing.GetLeadAsync((Guid)item["id"]!)).Expect(HttpStatusCode.OK);
        Assert.Equal(("jan@voorbeeld.nl", "Jan", "Jansen", "CFO", "+31 20 123 4567", "Voorbeeld BV"),
            (lead.Str("email"), lead.Str("firstName"), lead.Str("lastName"), lead.Str("jobTitle"), lead.Str("phone"), (string?)lead.Body!["company"]!["name"]));
    }

    [Fact]
    public async Task SalesMayNotImport()
    {
        var tenant = await app.NewTenantAsync();

        (await tenant.Sales.ImportCsvAsync("Email\r\na@b.example.com\r\n")).Expect(HttpStatusCode.Forbidden);
    }
}

public sealed class ImportsApiTests_Sqlite(SqliteApp app) : ImportsApiTests(app), IClassFixture<SqliteApp>;

public sealed class ImportsApiTests_Postgres(PostgresApp app) : ImportsApiTests(app), IClassFixture<PostgresApp>;
