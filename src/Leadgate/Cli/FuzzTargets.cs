using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Imports;
using Leadgate.Intake;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Web.Cli;

/// <summary>
/// The CSV importer, whole: <see cref="ImportLeads"/> reads the file (<see cref="CsvReader"/>), maps its columns, validates
/// each row and writes the good ones. The options come from the input's SHA-256, so a saved input replays exactly: half the
/// runs are all-or-nothing, a quarter use a mapping file made from the input's own header. Allowed: a refusal naming the
/// file, header or mapping; a completed job whose counts add up to the rows read and whose row report names every bad
/// row by a line inside the file with a reason; a refused all-or-nothing job that wrote no lead.
/// </summary>
internal sealed class CsvFuzzTarget : FuzzTarget
{
    private static readonly HashSet<string> RefusalFields = new(StringComparer.Ordinal) { "file", "header", "mapping", "fileName" };

    private Guid _organisationId;

    public override string Name => "csv";

    public override string Extension => ".csv";

    public override int MaxInputBytes => 512 * 1024;

    public override IReadOnlyList<byte[]> Tokens { get; } = [.. new[]
    {
        "\"", "\"\"", ",", ";", "\t", "\r\n", "\n", "\r", "\uFEFF", "\0", "Email", "Job Title", "Lead Source", "Title", "Company", "Website URL",
        "Number of Employees", "No. of Employees", "Country/Region", "@", "@example.com", "@gmail.com", "x@y.z", "=HYPERLINK(\"http://x\")",
        "'); DROP TABLE Leads; --", "1,200", "\"1,200\"", "-1", "99999999999", "Netherlands", "NLD", "https://www.acme.com/", "http://", "é", "Ω", "😀",
    }.Select(Encoding.UTF8.GetBytes), [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xFF, 0xFE], [0xF0, 0x9F]];

    public override async Task PrepareAsync(IServiceProvider services, CancellationToken cancellationToken) =>
        _organisationId = (await BenchTenant.SeedAsync(services, cancellationToken)).OrganisationId;

    public override IEnumerable<byte[]> Seeds() =>
    [
        Encoding.UTF8.GetBytes(
            "Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company Name,Website URL,Industry,Number of Employees,Country/Region,Original Source,Lifecycle Stage,Create Date\r\n"
            + "100001,Anna,de Vries,anna.devries@acme-1.example.com,+31 20 555 0101,CTO,\"Acme Logistics, Inc.\",https://www.acme-1.example.com/,Logistics and Supply Chain,250,Netherlands,ORGANIC_SEARCH,lead,2025-03-01 10:00\r\n"
            + "100002,Bram,Jansen,not-an-email,+31 20 555 0102,VP Sales,Globex B.V.,,Retail,twelve,Atlantis,PAID_SEARCH,subscriber,2025-03-02 11:00\r\n"),
        Encoding.UTF8.GetBytes(
            "Lead ID,First Name,Last Name,Title,Company,Email,Phone,Website,Industry,No. of Employees,Country,Lead Source,Lead Status,Created Date\r\n"
            + "00Q5000001,Chloé,O'Brien,Head of Marketing,Initech Labs B.V.,chloe.obrien@initech-2.example.com,+31 10 555 0103,https://www.initech-2.example.com/,Computer Software,\"1,200\",Germany,Web,Open - Not Contacted,3/4/2025\r\n"),
    ];

    public override async Task<FuzzVerdict> RunAsync(IServiceProvider services, byte[] input, CancellationToken cancellationToken)
    {
        var hash = SHA256.HashData(input);
        var allOrNothing = (hash[0] & 1) == 1;
        var mapping = hash[1] % 4 == 0 ? MappingOf(input, hash) : null;
        var db = services.GetRequiredService<LeadgateDbContext>();
        var leadsBefore = allOrNothing ? await LeadsAsync(db, cancellationToken) : 0;
        await using var content = new MemoryStream(input, writable: false);
        var result = await services.GetRequiredService<ImportLeads>().HandleAsync(
            new ImportLeadsRequest("fuzz.csv", content, mapping, allOrNothing), Actor.ForImport(_organisationId), null, cancellationToken);
        if (result.Error is { } error)
        {
            return error is Invalid invalid && invalid.Errors.Keys.All(RefusalFields.Contains) && invalid.Errors.Values.All(reasons => reasons.Length > 0 && reasons.All(r => r.Length > 0))
                ? FuzzVerdict.Fine("refused " + string.Join('+', invalid.Errors.Keys.Order(StringComparer.Ordinal)) + ": " + Shape(invalid.Message))
                : FuzzVerdict.Broken("unexpected error", $"unexpected {error.GetType().Name}: {error.Message}");
        }

        if (result.Value.AlreadyImported)
        {
            return FuzzVerdict.Fine("imported before");
        }

        var job = result.Value.Job;
        var lastLine = 1 + input.Count(b => b == (byte)'\n') + input.Count(b => b == (byte)'\r');
        var badLines = job.Problems.Select(p => p.Line).Distinct().Count();
        var reportComplete = job.Problems.Count < ImportLeads.MaxStoredProblems;
        var outcome = $"{job.Status}{(job.Imported > 0 ? " imported" : "")}{(job.Updated > 0 ? " updated" : "")}{(job.Unchanged > 0 ? " unchanged" : "")}: "
            + string.Join(" | ", job.Problems.Select(p => Shape(p.Reason)).Distinct().Order(StringComparer.Ordinal));
        string? crash = job.Problems.FirstOrDefault(p => p.Line < 2 || p.Line > lastLine || string.IsNullOrWhiteSpace(p.Reason)) is { } stray
            ? $"a row report line names line {stray.Line} (the file has {lastLine} lines) or has no reason"
            : reportComplete && badLines != job.Bad ? $"{job.Bad} bad rows, but the row report names {badLines} lines"
            : job.Status switch
            {
                ImportStatus.Completed when job.RowsRead != job.Imported + job.Updated + job.Unchanged + job.Bad =>
                    $"{job.RowsRead} rows read, but {job.Imported} imported + {job.Updated} updated + {job.Unchanged} unchanged + {job.Bad} bad",
                ImportStatus.Completed => null,
                ImportStatus.Refused when !allOrNothing || job.Bad == 0 || job.Imported + job.Updated + job.Unchanged > 0 =>
                    $"refused with {job.Bad} bad rows (all or nothing: {allOrNothing}) and {job.Imported + job.Updated + job.Unchanged} rows written",
                ImportStatus.Refused when await LeadsAsync(db, cancellationToken) != leadsBefore => "a refused all-or-nothing import changed the leads",
                ImportStatus.Refused => null,
                ImportStatus.Running => "the import answered while its job is still running",
            };
        return crash is null ? FuzzVerdict.Fine(outcome) : FuzzVerdict.Broken(outcome, crash);
    }

    private Task<int> LeadsAsync(LeadgateDbContext db, CancellationToken cancellationToken) =>
        db.Leads.CountAsync(l => l.OrganisationId == _organisationId, cancellationToken);

    /// <summary>A mapping file for the input's own header: one column (chosen by the hash) is the e-mail, the rest get fields by the hash too.</summary>
    private static string? MappingOf(byte[] input, byte[] hash)
    {
        using var text = new StreamReader(new MemoryStream(input), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var header = new CsvReader(text).Read();
        if (header is null || header.Fields.Count == 0)
        {
            return null;
        }

        var columns = header.Fields.Select(f => f.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var email = hash[2] % columns.Count;
        var mapping = columns.Select((column, i) => (column, field: i == email ? "email" : ImportMapping.FieldNames[hash[3 + i % 29] % ImportMapping.FieldNames.Count]))
            .ToDictionary(c => c.column, c => c.field, StringComparer.Ordinal);
        return JsonSerializer.Serialize(mapping);
    }

    /// <summary>A message without its numbers and quoted names, so "line 3" and "line 4" count as one outcome.</summary>
    internal static string Shape(string message)
    {
        var shape = new StringBuilder(Math.Min(message.Length, 80));
        var quoted = false;
        foreach (var c in message.Take(200))
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && !char.IsAsciiDigit(c) && shape.Length < 80)
            {
                shape.Append(c);
            }
        }

        return shape.ToString();
    }
}

/// <summary>
/// The outreach webhook, whole: <see cref="ReceiveOutreachWebhook"/> checks the signature, reads the body and records the
/// event. The input is the body; its SHA-256 picks the headers: mostly correctly signed now (which must never be refused
/// as not authentic), or signed with a stale or future timestamp, signed over another body, or garbage headers (which
/// must always be refused as not authentic). Allowed answers beyond that: a receipt, or a refusal naming the field.
/// </summary>
internal sealed class WebhookFuzzTarget : FuzzTarget
{
    private string _key = "";
    private string _secret = "";

    public override string Name => "webhook";

    public override string Extension => ".json";

    public override int MaxInputBytes => ReceiveOutreachWebhook.MaxBodyBytes;

    public override IReadOnlyList<byte[]> Tokens { get; } = [.. new[]
    {
        "{", "}", "[", "]", "\"", ",", ":", "\\", "\\u0000", "\\ud800", "\\udc00", "\\\"", "null", "true", "false", "0", "-0", "1e999", "-1e-999",
        "\"id\":", "\"event\":", "\"replied\"", "\"clicked\"", "\"opened\"", "\"email\":", "\"occurredAt\":", "\"2026-11-22T10:00:00Z\"", "\"2026-11-22T10:00:00\"",
        "\"9999-12-31T23:59:59+14:00\"", "\"0001-01-01T00:00:00-14:00\"", "\"firstName\":", "\"company\":", "\"url\":", "\"x@fuzz.example.com\"",
        "\"'; DROP TABLE Leads; --\"", "\"=HYPERLINK(1)\"", "é", "\u0001", "\u2028", "😀",
    }.Select(Encoding.UTF8.GetBytes), [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF]];

    public override async Task PrepareAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var tenant = await BenchTenant.SeedAsync(services, cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var admin = Actor.ForUser(tenant.OrganisationId, Guid.NewGuid(), "Fuzz admin", [Roles.Admin], Channel.Cli);
        var made = await scope.ServiceProvider.GetRequiredService<CreateWebhookSource>().HandleAsync(new CreateWebhookSourceRequest { Name = "Fuzz outreach" }, admin, cancellationToken);
        if (made.Error is { } error)
        {
            throw new InvalidOperationException("Making the fuzzer's webhook source failed: " + error.Message);
        }

        (_key, _secret) = (made.Value.Source.Key, made.Value.Secret);
    }

    public override IEnumerable<byte[]> Seeds() =>
    [
        Encoding.UTF8.GetBytes("""{"id":"evt-1","event":"replied","email":"femke@acme-logistics.example.com","firstName":"Femke","lastName":"de Vries","company":"Acme Logistics","occurredAt":"2026-11-20T09:30:00Z","campaign":"Q4 logistics outbound"}"""),
        Encoding.UTF8.GetBytes("""{"id":"evt-2","event":"clicked","email":"jan@globex.example.com","url":"https://globex.example.com/pricing?utm=x","occurredAt":"2026-11-20T09:31:00+01:00"}"""),
        Encoding.UTF8.GetBytes("""{"id":"evt-3","event":"opened","email":"jan@globex.example.com"}"""),
    ];

    public override async Task<FuzzVerdict> RunAsync(IServiceProvider services, byte[] input, CancellationToken cancellationToken)
    {
        var hash = SHA256.HashData(input);
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        var mode = hash[0] % 10;
        var (timestamp, signature) = mode switch
        {
            6 => Signed(now - 360, input),
            7 => Signed(now + 360, input),
            8 => (Seconds(now), WebhookSignature.Sign(_secret, now, [.. input, (byte)' '])),
            9 => (Garbage(input, 0), Garbage(input, 20)),
            _ => Signed(now, input),
        };
        var authentic = mode < 6;
        var result = await services.GetRequiredService<ReceiveOutreachWebhook>().HandleAsync(_key, timestamp, signature, input, cancellationToken);
        return (result.Error, authentic) switch
        {
            (NotAuthentic, false) => FuzzVerdict.Fine("not authentic"),
            (_, false) => FuzzVerdict.Broken("let in", $"a webhook with a bad signature (case {mode}) was not refused as not authentic"),
            (NotAuthentic refused, true) => FuzzVerdict.Broken("refused", $"a correctly signed webhook was refused as not authentic: {refused.Message}"),
            (Invalid invalid, true) when invalid.Errors.Count > 0 && invalid.Errors.Values.All(reasons => reasons.Length > 0) =>
                FuzzVerdict.Fine("invalid " + string.Join('+', invalid.Errors.Keys.Order(StringComparer.Ordinal))),
            (Conflict conflict, true) => FuzzVerdict.Fine("conflict " + conflict.Code),
            (null, true) when result.Value.Status is "Stored" or "Repeat" or "Conflict" or "Ignored" => FuzzVerdict.Fine(result.Value.Status),
            (var other, true) => FuzzVerdict.Broken("unexpected", other is null ? $"an unknown receipt status '{result.Value.Status}'" : $"unexpected {other.GetType().Name}: {other.Message}"),
        };
    }

    private (string, string) Signed(long at, byte[] body) => (Seconds(at), WebhookSignature.Sign(_secret, at, body));

    private static string Seconds(long at) => at.ToString(CultureInfo.InvariantCulture);

    /// <summary>Header text from the input's own bytes: printable ASCII, as a header value must be.</summary>
    private static string Garbage(byte[] input, int from) =>
        new([.. input.Skip(from).Take(80).Select(b => (char)(0x20 + b % 0x5F))]);
}
