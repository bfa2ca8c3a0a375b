using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Leadgate.Tests.Infrastructure;

/// <summary>
/// Spectral (<c>spectral:oas</c>) and Redocly (<c>recommended</c>) as installed from tools/api-lint's lock file
/// (test.sh runs <c>npm ci</c> there), run on a document the way an outside integrator lints it.
/// </summary>
public static class ApiLinters
{
    /// <summary>One finding of a linter: its severity as the linter names it, its rule and where in the document.</summary>
    public sealed record Finding(string Linter, string Severity, string Rule, string Where, string Message)
    {
        public override string ToString() => $"{Linter} {Severity} {Rule} at {Where}: {Message}";
    }

    public static string Folder { get; } = FindFolder();

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tools", "api-lint");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("tools/api-lint is not above " + AppContext.BaseDirectory);
    }

    private static string Bin(string name)
    {
        var path = Path.Combine(Folder, "node_modules", ".bin", name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run `npm ci --no-audit --no-fund` in {Folder} (./test.sh does).");
    }

    /// <summary>Spectral's findings; severity error, warn, info or hint.</summary>
    public static async Task<IReadOnlyList<Finding>> SpectralAsync(string documentFile, CancellationToken cancellationToken)
    {
        var (exit, output, error) = await RunAsync(Bin("spectral"), ["lint", documentFile, "--ruleset", Path.Combine(Folder, ".spectral.yaml"), "--format", "json", "--quiet", "--fail-severity", "error"], cancellationToken);
        var json = output.Trim();
        if (exit is not (0 or 1) || !json.StartsWith('['))
        {
            throw new InvalidOperationException($"spectral did not lint (exit {exit}): {output}\n{error}");
        }

        string[] severities = ["error", "warn", "info", "hint"];
        return [.. JsonNode.Parse(json)!.AsArray().Select(f => new Finding(
            "spectral",
            severities[(int)f!["severity"]!],
            (string)f["code"]!,
            "/" + string.Join('/', f["path"]!.AsArray().Select(p => p!.ToString())),
            (string)f["message"]!))];
    }

    /// <summary>Redocly's findings; severity error or warn.</summary>
    public static async Task<IReadOnlyList<Finding>> RedoclyAsync(string documentFile, CancellationToken cancellationToken)
    {
        var (exit, output, error) = await RunAsync(Bin("redocly"), ["lint", documentFile, "--config", Path.Combine(Folder, "redocly.yaml"), "--format", "json"], cancellationToken);
        var start = output.IndexOf('{', StringComparison.Ordinal);
        if (exit is not (0 or 1) || start < 0)
        {
            throw new InvalidOperationException($"redocly did not lint (exit {exit}): {output}\n{error}");
        }

        return [.. JsonNode.Parse(output[start..])!["problems"]!.AsArray().Select(f => new Finding(
            "redocly",
            (string)f!["severity"]!,
            (string)f["ruleId"]!,
            string.Join(", ", f["location"]?.AsArray().Select(l => (string?)l?["pointer"]) ?? []),
            (string)f["message"]!))];
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing leaves the machine: no telemetry, no update checks.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["SCARF_ANALYTICS"] = "false";
        start.Environment["DO_NOT_TRACK"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
