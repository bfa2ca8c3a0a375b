using Microsoft.AspNetCore.Mvc.Testing;
using Leadgate.Tests.Infrastructure;

namespace Leadgate.Tests.Api;

/// <summary>
/// Issue 15, acceptance 3: the running app's OpenAPI document, linted as outside tools lint it — Spectral with
/// <c>spectral:oas</c> and Redocly with <c>recommended</c> — has no error and no warning (info and hints are allowed).
/// </summary>
public sealed class OpenApiLintTests(SqliteApp app) : IClassFixture<SqliteApp>, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "leadgate-openapi-" + Guid.NewGuid().ToString("N")[..12] + ".json");

    private async Task<string> DocumentFileAsync()
    {
        // The document's server is the address it was asked at; ask at a deployment's address, as an integrator would,
        // not at the test host's http://localhost (which Redocly rightly warns about).
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://sales.leadgate.dev") });
        await File.WriteAllTextAsync(_file, await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        return _file;
    }

    private static void NoErrorsOrWarnings(IReadOnlyList<ApiLinters.Finding> findings)
    {
        var blocking = findings.Where(f => f.Severity is "error" or "warn").ToList();
        Assert.True(blocking.Count == 0, $"{blocking.Count} errors and warnings:\n" + string.Join('\n', blocking));
    }

    [Fact]
    public async Task Spectral_OasRules_FindNoErrorsOrWarnings() =>
        NoErrorsOrWarnings(await ApiLinters.SpectralAsync(await DocumentFileAsync(), TestContext.Current.CancellationToken));

    [Fact]
    public async Task Redocly_RecommendedRules_FindNoErrorsOrWarnings() =>
        NoErrorsOrWarnings(await ApiLinters.RedoclyAsync(await DocumentFileAsync(), TestContext.Current.CancellationToken));

    /// <summary>The linters can fail: a document with an operation lacking an operationId and a broken reference is reported.</summary>
    [Fact]
    public async Task BothLinters_ReportABrokenDocument()
    {
        await File.WriteAllTextAsync(_file, """
            {"openapi":"3.1.1","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"ok",
            "content":{"application/json":{"schema":{"$ref":"#/components/schemas/Missing"}}}}}}}}}
            """, TestContext.Current.CancellationToken);

        var spectral = await ApiLinters.SpectralAsync(_file, TestContext.Current.CancellationToken);
        var redocly = await ApiLinters.RedoclyAsync(_file, TestContext.Current.CancellationToken);

        Assert.Contains(spectral, f => f.Rule == "operation-operationId" && f.Severity == "warn");
        Assert.Contains(spectral, f => f.Severity == "error");
        Assert.Contains(redocly, f => f.Rule == "operation-operationId");
        Assert.Contains(redocly, f => f.Rule == "no-unresolved-refs" && f.Severity == "error");
    }

    public void Dispose() => File.Delete(_file);
}
