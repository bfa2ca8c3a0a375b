using System.Globalization;
using System.Text;
using Leadgate.Common;

namespace Leadgate.Imports;

/// <summary>
/// How an import will read a file, before it runs: the header, and the mapping (recognised export, or the mapping file)
/// or the reason it is refused, by the one <see cref="Map"/> that <see cref="ImportLeads"/> itself calls, so what a user is shown is what runs.
/// </summary>
public static class ImportPreview
{
    public static Result<ImportMapping> Map(Stream content, string? mappingJson)
    {
        content.Position = 0;
        using var text = Open(content);
        var header = new CsvReader(text).Read();
        if (header is null)
        {
            return Invalid.Field("file", "The file is empty: a header row is expected.");
        }

        return header.Problem is { } broken ? Invalid.Field("header", broken.Message) : ImportMapping.For(header.Fields, mappingJson);
    }

    /// <summary>The file's columns as the header names them (trimmed), in order; empty when there is no readable header.</summary>
    public static IReadOnlyList<string> Columns(Stream content)
    {
        content.Position = 0;
        using var text = Open(content);
        return new CsvReader(text).Read() is { Problem: null } header ? [.. header.Fields.Select(f => f.Trim())] : [];
    }

    /// <summary>A mapping file for the given field per column (columns mapped to <see cref="ImportField.Ignore"/> left out).</summary>
    public static string MappingJson(IEnumerable<(string Column, ImportField Field)> columns) =>
        System.Text.Json.JsonSerializer.Serialize(columns
            .Where(c => c.Field != ImportField.Ignore)
            .GroupBy(c => c.Column, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => ImportMapping.FieldNames[(int)g.First().Field], StringComparer.OrdinalIgnoreCase));

    /// <summary>The row report as CSV (<c>line,column,reason</c>); a cell never starts like a spreadsheet formula.</summary>
    public static async Task WriteReportAsync(TextWriter writer, IEnumerable<ImportProblemView> problems, CancellationToken cancellationToken)
    {
        await writer.WriteLineAsync("line,column,reason");
        foreach (var problem in problems)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{problem.Line},{Quote(problem.Column)},{Quote(problem.Reason)}"));
        }
    }

    internal static StreamReader Open(Stream content) =>
        new(content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);

    private static string Quote(string value)
    {
        var text = value.Length > 0 && "=+-@".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
        return "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
