using System.Text.Json;
using Leadgate.Tests.Cli;
using Leadgate.Web.Cli;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Leadgate.Tests.Fuzzing;

/// <summary>
/// Issue 15, acceptance 6, inside the test run: <c>leadgate fuzz api</c> for a few seconds with a fixed seed reaches every
/// operation of the running app's OpenAPI document and finds nothing; and an endpoint that breaks the contract is found.
/// The ten-minute run is in docs/fuzzing.md.
/// </summary>
[Collection(RunAlone.Name)]
public sealed class FuzzApiTests(SqliteCliDatabase database) : IClassFixture<SqliteCliDatabase>, IDisposable
{
    private readonly string _crashes = Path.Combine(Path.GetTempPath(), "leadgate-fuzz-api-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task AShortRun_CoversEveryOperationOfTheDocument_AndFindsNothing()
    {
        var run = await database.RunAsync("fuzz", "api", "--seconds", "5", "--seed", "20261205", "--crashes", _crashes);

        var json = JsonDocument.Parse(run.OutputLines[^1]).RootElement;
        Assert.Equal("api", json.GetProperty("fuzz").GetString());
        var operations = json.GetProperty("operations");
        Assert.True(operations.GetProperty("total").GetInt32() >= 50, "The document lists too few operations: " + operations);
        Assert.True(operations.GetProperty("covered").GetInt32() == operations.GetProperty("total").GetInt32(), "Not reached: " + json.GetProperty("uncovered"));
        Assert.True(json.GetProperty("findings").GetInt64() == 0, "Findings: " + json.GetProperty("distinctFindings"));
        Assert.Equal(0, run.ExitCode);
        var statuses = json.GetProperty("statuses").EnumerateObject().Select(s => s.Name).ToList();
        Assert.Contains("200", statuses);
        Assert.Contains("400", statuses);
        Assert.Contains("404", statuses);
        Assert.True(json.GetProperty("requests").GetInt64() > operations.GetProperty("total").GetInt64() * 3, "The run never got past the first requests.");
        Assert.False(Directory.Exists(_crashes));
    }

    [Fact]
    public async Task AServerErrorAndAnErrorThatIsNotAProblem_AreFindings_AndTheirRequestsAreSaved()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var cli = new CliContext(new CliConsole(output, error, interactive: false), ["--environment=Testing"]);

        // Two endpoints only this test's host has, in its document like any other: one throws, one answers a bare 400.
        var exit = await FuzzApi.RunAsync(cli, new FuzzApi.Options(2, 7, new DirectoryInfo(_crashes), 5), TestContext.Current.CancellationToken, app =>
        {
            app.MapGet("/fuzz-test/throws", string () => throw new InvalidOperationException("broken on purpose")).AllowAnonymous();
            app.MapGet("/fuzz-test/bare-400", () => Results.Text("no", statusCode: StatusCodes.Status400BadRequest)).AllowAnonymous();
        });

        Assert.Equal(1, exit);
        var json = JsonDocument.Parse(output.ToString().Trim().Split('\n')[^1]).RootElement;
        var distinct = json.GetProperty("distinctFindings").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Contains("GET /fuzz-test/throws 500: server error", distinct);
        Assert.Contains("GET /fuzz-test/bare-400 400: not application/problem+json (text/plain)", distinct);
        var files = json.GetProperty("findingFiles").EnumerateArray().Select(f => f.GetString()!).ToList();
        Assert.Equal(distinct.Count, files.Count);
        var saved = files.Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).ToList();
        Assert.Contains(saved, s => s.GetProperty("template").GetString() == "/fuzz-test/throws" && s.GetProperty("status").GetInt32() == 500 && s.GetProperty("method").GetString() == "GET");
        Assert.Contains("FINDING", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(500, "application/problem+json", """{"type":"t","title":"T","status":500,"detail":"d"}""", "server error")]
    [InlineData(404, "application/problem+json", """{"type":"t","title":"T","status":404}""", "problem without detail")]
    [InlineData(400, "application/problem+json", """{"type":"t","title":"T","status":422,"detail":"d"}""", "problem status is not the HTTP status")]
    [InlineData(415, null, "", "not application/problem+json (no content type)")]
    [InlineData(400, "application/problem+json", "{", "problem is not JSON")]
    [InlineData(400, "application/problem+json", """{"type":"t","title":"T","status":400,"detail":"d"}""", null)]
    [InlineData(201, "application/json", "{}", null)]
    public void AnAnswer_IsJudgedByTheProblemContract(int status, string? mediaType, string body, string? finding) =>
        Assert.Equal(finding, FuzzApiRun.Judge(status, mediaType, System.Text.Encoding.UTF8.GetBytes(body)));

    public void Dispose()
    {
        if (Directory.Exists(_crashes))
        {
            Directory.Delete(_crashes, recursive: true);
        }
    }
}
