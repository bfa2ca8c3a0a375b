using Leadgate.Common;
using Microsoft.OpenApi;
using Leadgate.Imports;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Leadgate.Web.Api;

/// <summary>
/// /api/v1/imports: a CSV file in, the import job (counts and row report) out. Sending the same file again is harmless:
/// the job is recognised by the file's SHA-256, so a completed import is answered as it was and a stopped one continues.
/// </summary>
public static class ImportsApi
{
    private const string CsvMediaType = "text/csv";

    public static RouteGroupBuilder MapImports(this RouteGroupBuilder api)
    {
        var imports = api.MapGroup("/imports").WithTags("Imports");
        imports.MapPost("/", Import).WithName("ImportLeads")
            .Accepts<string>("multipart/form-data", CsvMediaType)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.RequestBody = UploadBody();
                return Task.CompletedTask;
            })
            .WithSummary("Import leads from a CSV file (multipart field 'file', or a text/csv body); options: allOrNothing, mapping, fileName");
        imports.MapGet("/{id:guid}", Get).WithName("GetImport").WithSummary("An import job with its counts and row report");
        imports.MapGet("/{id:guid}/report.csv", Report).WithName("GetImportReport").Produces<string>(StatusCodes.Status200OK, CsvMediaType)
            .WithSummary("An import job's row report as a CSV file (line, column, reason)");
        return api;
    }

    private static async Task<Results<Created<ImportJobView>, Ok<ImportJobView>, ProblemHttpResult>> Import(
        ImportLeads handler, HttpContext http, CancellationToken cancellationToken,
        string? fileName = null, bool allOrNothing = false, string? mapping = null)
    {
        var request = http.Request;

        // The upload is kept in a temporary file: the import reads it twice (hash, rows) and never holds it in memory.
        await using var spool = new FileStream(
            Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            if (form.Files.GetFile("file") is not { } file)
            {
                return Problems.ToResult(Invalid.Field("file", "Send the CSV file as the multipart field 'file'."));
            }

            await using (var upload = file.OpenReadStream())
            {
                await upload.CopyToAsync(spool, cancellationToken);
            }

            fileName ??= file.FileName;
            allOrNothing = allOrNothing || string.Equals(form["allOrNothing"], "true", StringComparison.OrdinalIgnoreCase);
            if (form.Files.GetFile("mapping") is { } mappingFile)
            {
                using var reader = new StreamReader(mappingFile.OpenReadStream());
                mapping = await reader.ReadToEndAsync(cancellationToken);
            }
            else if (form["mapping"] is [{ } mappingText])
            {
                mapping = mappingText;
            }
        }
        else if (request.ContentType?.StartsWith(CsvMediaType, StringComparison.OrdinalIgnoreCase) == true)
        {
            await request.Body.CopyToAsync(spool, cancellationToken);
        }
        else
        {
            return Problems.Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
                "Send the CSV file as multipart/form-data (field 'file') or as a text/csv body.");
        }

        var result = await handler.HandleAsync(
            new ImportLeadsRequest(string.IsNullOrWhiteSpace(fileName) ? "upload.csv" : fileName, spool, mapping, allOrNothing), http.Actor(), null, cancellationToken);
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        var outcome = result.Value;
        return outcome.AlreadyImported || outcome.Resumed
            ? TypedResults.Ok(outcome.Job)
            : TypedResults.Created($"/api/v1/imports/{outcome.Job.Id}", outcome.Job);
    }

    /// <summary>The row report to download: the import page links to it, and a script can fetch it with its key.</summary>
    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> Report(Guid id, GetImport handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(id, http.Actor(), cancellationToken);
        if (result.Error is { } error)
        {
            return Problems.ToResult(error);
        }

        var problems = result.Value.Problems;
        return TypedResults.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                await ImportPreview.WriteReportAsync(writer, problems, cancellationToken);
            },
            CsvMediaType + "; charset=utf-8",
            $"import-{result.Value.Id}-report.csv");
    }

    private static async Task<Results<Ok<ImportJobView>, ProblemHttpResult>> Get(Guid id, GetImport handler, HttpContext http, CancellationToken cancellationToken)
    {
        var result = await handler.HandleAsync(id, http.Actor(), cancellationToken);
        return result.Error is { } error ? Problems.ToResult(error) : TypedResults.Ok(result.Value);
    }

    /// <summary>The upload as the document describes it: a multipart form with the file and its options, or the CSV as the body.</summary>
    private static OpenApiRequestBody UploadBody() => new()
    {
        Required = true,
        Description = "The CSV file: as the multipart field 'file' (with the options as fields beside it), or as a text/csv body (with the options in the query).",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "file" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["file"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The CSV file (UTF-8; comma, semicolon or tab separated)." },
                        ["mapping"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A JSON object from column name to lead field; a file part or a text field." },
                        ["allOrNothing"] = new OpenApiSchema { Type = JsonSchemaType.Boolean, Description = "Import nothing when any row is invalid." },
                    },
                },
            },
            [CsvMediaType] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The CSV file itself." } },
        },
    };
}
