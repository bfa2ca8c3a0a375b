using System.Text.Json.Nodes;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Client;

/// <summary>
/// The typed client (issue 15, acceptance 4) is generated at build time by Kiota from Client/openapi.json, a committed copy
/// of the app's OpenAPI document. This test keeps that copy true: when the running app's document differs, it fails and
/// says how to refresh the copy, so a change to the document that breaks the generated client breaks the build.
/// </summary>
public sealed class OpenApiDocumentTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    /// <summary>Set to 1 to write the running app's document over the committed copy (then rebuild: the client is generated again).</summary>
    public const string UpdateVariable = "LEADGATE_UPDATE_OPENAPI";

    public static string CommittedCopy { get; } = FindCopy();

    private static string FindCopy()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Leadgate.Tests", "Client", "openapi.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tests/Leadgate.Tests/Client/openapi.json is not above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task TheCommittedCopy_IsTheRunningAppsDocument()
    {
        using var client = app.CreateClient();
        var served = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken);
        var running = JsonNode.Parse(served)!;
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(CommittedCopy, TestContext.Current.CancellationToken))!;

        if (JsonNode.DeepEquals(running, committed))
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(CommittedCopy, running.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n", TestContext.Current.CancellationToken);
            return;
        }

        Assert.Fail(
            $"The app's OpenAPI document differs from the committed copy the typed client is generated from ({CommittedCopy}).\n" +
            $"Refresh it with `{UpdateVariable}=1 dotnet test tests/Leadgate.Tests --filter FullyQualifiedName~OpenApiDocumentTests`, " +
            "rebuild (Kiota generates the client again) and fix what no longer compiles.\nFirst differences:\n" +
            string.Join('\n', Differences(committed, running, "").Take(20)));
    }

    /// <summary>The generated client reads the API's errors as a typed problem only when the document has a Problem schema.</summary>
    [Fact]
    public void TheGeneratedClient_HasATypedProblem() =>
        Assert.True(
            typeof(Leadgate.Client.LeadgateApiClient).Assembly.GetType("Leadgate.Client.Models.Problem") is { } problem && problem.IsSubclassOf(typeof(Microsoft.Kiota.Abstractions.ApiException)),
            "The document has no `Problem` schema documented as an error response, so Kiota generates no exception class for the API's problems " +
            "and the typed-problem tests in Client/Typed are not compiled (see CompileLeadgateClient in Leadgate.Tests.csproj).");

    private static IEnumerable<string> Differences(JsonNode? expected, JsonNode? actual, string path)
    {
        if (expected is JsonObject e && actual is JsonObject a)
        {
            foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
            {
                if (!e.ContainsKey(key))
                {
                    yield return $"{path}/{key}: added";
                }
                else if (!a.ContainsKey(key))
                {
                    yield return $"{path}/{key}: removed";
                }
                else
                {
                    foreach (var difference in Differences(e[key], a[key], $"{path}/{key}"))
                    {
                        yield return difference;
                    }
                }
            }
        }
        else if (!JsonNode.DeepEquals(expected, actual))
        {
            yield return $"{(path.Length == 0 ? "/" : path)}: {Short(expected)} → {Short(actual)}";
        }
    }

    private static string Short(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length > 120 ? text[..120] + "…" : text;
    }
}
