using System.Globalization;
using System.Net;
using System.Text;
using Leadgate.Prediction;
using Leadgate.Tests.Infrastructure;
using Leadgate.Web.Cli;

namespace Leadgate.Tests.Api;

/// <summary>
/// Issue 20, acceptance 2, on a data set with a known answer: a file without e-mail addresses, with its outcomes and columns
/// Leadgate has no field for, is loaded through the product's own import with a mapping file, and a model trained in that
/// organisation does as well as the benchmark's procedure on the same file. Run on SQLite and on PostgreSQL.
/// </summary>
public abstract class ImportedHistoryApiTests(TestApp app)
{
    /// <summary>What the mapping file keeps: the id as a placeholder address, the outcome, the source and three columns of the file's own.</summary>
    private const string Mapping = """
        {
          "Id": { "field": "email", "template": "{value}@generated.invalid" },
          "Converted": "outcome",
          "Lead Source": "source",
          "Visits": "attribute",
          "Occupation": "attribute",
          "Country": "attribute"
        }
        """;

    [Fact]
    public async Task ImportedOutcomesAndColumns_TrainAModel_AsGoodAsTheBenchOnTheSameFile_AndTheLeadShowsThem()
    {
        var tenant = await app.NewTenantAsync();
        var (csv, converted) = KnownAnswer(1_500, seed: 2026);

        var job = (await tenant.Marketing.ImportFormAsync("history.csv", csv, Mapping)).Expect(HttpStatusCode.Created);
        Assert.Equal(("Completed", 1_500, 0), (job.Str("status"), (int)job.Body!["imported"]!, (int)job.Body!["bad"]!));

        // A lead: its placeholder address, no company made of it, the source's outcome and the file's columns; still an Iql.
        var page = (await tenant.Sales.ListLeadsAsync("?q=p0007")).Expect(HttpStatusCode.OK).Body!["items"]!.AsArray();
        var lead = (await tenant.Sales.GetLeadAsync(Guid.Parse((string)page.Single()!["id"]!))).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal("p0007@generated.invalid", (string?)lead["email"]);
        Assert.Null(lead["company"]);
        Assert.Equal("Iql", (string?)lead["stage"]);
        Assert.Single(lead["history"]!.AsArray());
        Assert.Equal(converted[7] ? "Converted" : "NotConverted", (string?)lead["sourceOutcome"]);
        Assert.Equal(["Country", "Occupation", "Visits"], lead["attributes"]!.AsObject().Select(a => a.Key));
        Assert.DoesNotContain("Notes", lead.ToJsonString(), StringComparison.Ordinal);

        var model = (await tenant.Admin.SendAsync(HttpMethod.Post, "/api/v1/models/train")).Expect(HttpStatusCode.Created).Body!;
        Assert.Equal(1_500, (int)model["closedLeads"]!);
        Assert.Equal(converted.Count(c => c), (int)model["convertedLeads"]!);

        // The benchmark's procedure on the same file (its id and the column written after the outcome left out).
        var file = Path.Combine(Path.GetTempPath(), $"known-answer-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv, TestContext.Current.CancellationToken);
        try
        {
            var (schema, examples) = BenchPredict.Read(file, new BenchPredict.DataFormat("known-answer", "Converted", ["Id", "Notes"], []));
            var bench = ModelTraining.CrossValidate(schema, examples, TrainModel.Folds, TrainModel.Seed).Quality.Auc;
            var product = (double)model["auc"]!;
            Assert.True(product > 0.75, $"AUC {product}: the model did not learn the file's own columns.");
            Assert.True(product < 0.95, $"AUC {product}: the column written after the outcome leaked in.");
            Assert.True(Math.Abs(product - bench) <= 0.01, $"Product AUC {product:0.0000} against the bench's {bench:0.0000} on the same file.");
        }
        finally
        {
            File.Delete(file);
        }

        // The file's columns are fields of the model, named as in the file; one named as a product field says it was imported.
        var factors = model["factors"]!.AsArray().Select(f => (string)f!["factor"]!).ToList();
        Assert.Contains("Visits", factors.Take(3));
        Assert.Contains("Country (imported)", factors);
        var likelihood = (await tenant.Sales.GetLeadAsync(Guid.Parse((string)lead["id"]!))).Body!["likelihood"]!;
        Assert.Contains(likelihood["reasons"]!.AsArray(), r => (string?)r!["factor"] == "Visits" && (string?)r["value"] == (string?)lead["attributes"]!["Visits"]);
        var p = (double)likelihood["probability"]!;
        Assert.Equal(Math.Log(p / (1 - p)), (double)likelihood["baseline"]! + likelihood["reasons"]!.AsArray().Sum(r => (double)r!["contribution"]!), 6);
    }

    [Fact]
    public async Task AnUnreadableOutcome_MakesItsRowBad_NamingTheColumn_AndABadTemplateRefusesTheMapping()
    {
        var tenant = await app.NewTenantAsync();
        const string csv = "Id,Converted,Lead Source,Visits,Occupation,Country,Notes\r\na1,yes,Web,3,Student,NL,x\r\na2,maybe,Web,4,Student,NL,x\r\n";

        var job = (await tenant.Marketing.ImportFormAsync("outcomes.csv", csv, Mapping)).Expect(HttpStatusCode.Created);

        Assert.Equal((1, 1), ((int)job.Body!["imported"]!, (int)job.Body!["bad"]!));
        var problem = job.Body!["problems"]!.AsArray().Single()!;
        Assert.Equal((3, "Converted", "outcome.unreadable"), ((int)problem["line"]!, (string)problem["column"]!, (string)problem["code"]!));

        // Another file: the same one again answers with its first import.
        var refused = (await tenant.Marketing.ImportFormAsync("other.csv", csv + "a3,no,Web,1,Student,NL,x\r\n", """{ "Id": { "field": "email", "template": "no-placeholder@x.invalid" } }"""))
            .Expect(HttpStatusCode.BadRequest);
        Assert.Contains("{value}", refused.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Leads whose chance of converting is known: log-odds = −0.8 + the source's effect + 0.45·(visits − 4) + the occupation's
    /// effect; the country has none. <c>Notes</c> is written after the outcome (it is the outcome): the mapping leaves it out.
    /// </summary>
    private static (string Csv, bool[] Converted) KnownAnswer(int count, int seed)
    {
        (string Name, double Effect)[] sources = [("Reference", 1.4), ("Google", 0.2), ("Olark Chat", -0.6), ("Direct", -0.1)];
        (string Name, double Effect)[] occupations = [("Working Professional", 1.2), ("Unemployed", -0.2), ("Student", -0.9)];
        string[] countries = ["India", "Qatar", "Nigeria", "unknown"];
        var random = new Random(seed);
        var csv = new StringBuilder("Id,Converted,Lead Source,Visits,Occupation,Country,Notes\r\n");
        var converted = new bool[count];
        for (var i = 0; i < count; i++)
        {
            var source = sources[random.Next(sources.Length)];
            var occupation = occupations[random.Next(occupations.Length)];
            var visits = random.Next(0, 12);
            var logOdds = -0.8 + source.Effect + 0.45 * (visits - 4) + occupation.Effect;
            converted[i] = random.NextDouble() < 1 / (1 + Math.Exp(-logOdds));
            csv.Append(CultureInfo.InvariantCulture, $"p{i:0000},{(converted[i] ? 1 : 0)},{source.Name},{visits},{occupation.Name},{countries[random.Next(countries.Length)]},{(converted[i] ? "Closed by sales" : "Lost")}\r\n");
        }

        return (csv.ToString(), converted);
    }
}

public sealed class ImportedHistoryApiTests_Sqlite(SqliteApp app) : ImportedHistoryApiTests(app), IClassFixture<SqliteApp>;

public sealed class ImportedHistoryApiTests_Postgres(PostgresApp app) : ImportedHistoryApiTests(app), IClassFixture<PostgresApp>;
