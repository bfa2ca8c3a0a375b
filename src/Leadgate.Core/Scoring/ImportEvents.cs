using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Imports;

namespace Leadgate.Scoring;

/// <summary>A line of an events file that was not recorded, and why.</summary>
public sealed record EventLineProblem(long Line, string Field, string Reason);

public sealed record ImportedEvents(
    long Lines, long Events, int Stored, int Repeats, int Conflicts, int CreatedLeads, int Qualified, long BadLines, IReadOnlyList<EventLineProblem> Problems);

/// <summary>
/// Loads a file of behaviour events (<c>leadgate import events FILE</c>): one JSON object per line, each in the shape
/// <c>POST /api/v1/events</c> takes, streamed. Every event goes through <see cref="RecordEvents"/> exactly as the API's do
/// (scored, MQL rule applied, leads created for unknown addresses), 1,000 a batch and five batches a transaction, so a
/// history of millions of events loads in large commits. A bad line is reported (line, field, reason) and the good ones
/// are recorded. External ids make a second run harmless: after a crash, run it again and only what is missing is stored.
/// The context keeps one connection (on SQLite with an import's page cache) for the whole file, and forgets what a
/// transaction read once it has committed.
/// </summary>
public sealed partial class ImportEvents(RecordEvents record, LeadgateDbContext db, TimeProvider clock)
{
    public const int BatchesPerTransaction = 5;
    public const int MaxStoredProblems = 1_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<ImportedEvents>> HandleAsync(Stream content, Actor actor, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        var run = new Run(actor);
        await using var connection = await ImportConnection.OpenAsync(db, cancellationToken);
        using var reader = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        var length = content.CanSeek ? content.Length : 0;
        var batch = new List<(long Line, EventInput Event)>(RecordEvents.MaxBatch);
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            run.Lines++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            if (Parse(text) is not { } parsed)
            {
                run.Bad(run.Lines, "line", "Not a JSON object of an event ({ \"externalId\", \"type\", \"email\" or \"leadId\", \"occurredAt\", \"properties\" }).");
                continue;
            }

            if (parsed.Error is { } error)
            {
                run.Bad(run.Lines, error.Field, error.Reason);
                continue;
            }

            batch.Add((run.Lines, parsed.Event!));
            if (batch.Count == RecordEvents.MaxBatch)
            {
                if (await AddAsync(run, batch, cancellationToken) is { } failed)
                {
                    return failed;
                }

                batch = new List<(long, EventInput)>(RecordEvents.MaxBatch);
                if (length > 0)
                {
                    progress?.Report((int)(100 * content.Position / length));
                }
            }
        }

        if (batch.Count > 0 && await AddAsync(run, batch, cancellationToken) is { } failedAtEnd)
        {
            return failedAtEnd;
        }

        if (await RecordAsync(run, cancellationToken) is { } last)
        {
            return last;
        }

        progress?.Report(100);
        return run.Outcome();
    }

    /// <summary>Checks a batch; its bad events are reported and left out, the rest wait for the next transaction.</summary>
    private async Task<Error?> AddAsync(Run run, List<(long Line, EventInput Event)> batch, CancellationToken cancellationToken)
    {
        if (Checked(run, batch) is { } good)
        {
            run.Pending.Add(good);
        }

        return run.Pending.Count >= BatchesPerTransaction ? await RecordAsync(run, cancellationToken) : null;
    }

    /// <summary>The waiting batches in one transaction; a batch refused for a lead id the organisation lacks is recorded again without those events.</summary>
    private async Task<Error?> RecordAsync(Run run, CancellationToken cancellationToken)
    {
        while (run.Pending.Count > 0)
        {
            var results = await record.RecordAsync([.. run.Pending.Select(p => p.Batch)], cancellationToken);
            db.ChangeTracker.Clear();
            var again = new List<(List<(long, EventInput)>, EventBatch)>();
            for (var i = 0; i < results.Count; i++)
            {
                if (results[i].Error is Invalid refused)
                {
                    // Recorded again, alone: the other batches of this transaction are in.
                    if (Checked(run, Without(run, run.Pending[i].Rows, refused)) is { } rest)
                    {
                        again.Add(rest);
                    }
                }
                else if (results[i].Error is { } failed)
                {
                    return failed;
                }
                else
                {
                    run.Add(results[i].Value);
                }
            }

            run.Pending.Clear();
            run.Pending.AddRange(again);
        }

        return null;
    }

    /// <summary>
    /// The batch checked as <see cref="RecordEvents"/> checks a request, without the events it refuses (each reported by its
    /// line); null when none is left.
    /// </summary>
    private (List<(long Line, EventInput Event)> Rows, EventBatch Batch)? Checked(Run run, List<(long Line, EventInput Event)> rows)
    {
        while (rows.Count > 0)
        {
            var batch = RecordEvents.Check(Request(rows), run.Actor, clock.GetUtcNow());
            if (batch.Error is null)
            {
                return (rows, batch.Value);
            }

            var rest = Without(run, rows, batch.Error);
            if (rest.Count == rows.Count)
            {
                // A refusal that names no event (never for 1 to 1,000 events): every line of the batch is reported with it.
                foreach (var (line, _) in rows)
                {
                    run.Bad(line, "line", batch.Error.Message);
                }

                return null;
            }

            rows = rest;
        }

        return null;
    }

    /// <summary>The batch without the events an <see cref="Invalid"/> names (<c>events[3].email</c>), each reported by its line.</summary>
    private static List<(long Line, EventInput Event)> Without(Run run, List<(long Line, EventInput Event)> batch, Error? error)
    {
        if (error is not Invalid invalid)
        {
            return batch;
        }

        var bad = new HashSet<int>();
        foreach (var (key, reasons) in invalid.Errors)
        {
            if (EventField().Match(key) is { Success: true } match && int.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) is var index && index < batch.Count)
            {
                if (bad.Add(index))
                {
                    run.BadLines++;
                }

                run.Problem(batch[index].Line, match.Groups[2].Value, string.Join(" ", reasons));
            }
        }

        return [.. batch.Where((_, i) => !bad.Contains(i))];
    }

    private static RecordEventsRequest Request(List<(long Line, EventInput Event)> batch) => new() { Events = batch.ConvertAll(b => (EventInput?)b.Event) };

    private static (EventInput? Event, (string Field, string Reason)? Error)? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<EventInput>(text, Json) is { } e ? (e, null) : null;
        }
        catch (JsonException exception) when (exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal))
        {
            // A value of the wrong kind (a date that is not one, a number for a text): named by its field.
            return (null, (path[2..], "Not a valid value for this field."));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^events\[(\d+)\]\.(\w+)$")]
    private static partial Regex EventField();

    private sealed class Run(Actor actor)
    {
        private readonly List<EventLineProblem> _problems = [];
        private long _events;
        private int _stored;
        private int _repeats;
        private int _conflicts;
        private int _created;
        private int _qualified;

        public Actor Actor { get; } = actor;

        public long Lines { get; set; }

        public long BadLines { get; set; }

        public List<(List<(long Line, EventInput Event)> Rows, EventBatch Batch)> Pending { get; } = [];

        public void Bad(long line, string field, string reason)
        {
            BadLines++;
            Problem(line, field, reason);
        }

        public void Problem(long line, string field, string reason)
        {
            if (_problems.Count < MaxStoredProblems)
            {
                _problems.Add(new EventLineProblem(line, field, reason));
            }
        }

        public void Add(RecordedEvents recorded)
        {
            _events += recorded.Results.Count;
            (_stored, _repeats, _conflicts) = (_stored + recorded.Stored, _repeats + recorded.Repeats, _conflicts + recorded.Conflicts);
            (_created, _qualified) = (_created + recorded.CreatedLeads.Count, _qualified + recorded.Qualified.Count);
        }

        public ImportedEvents Outcome() =>
            new(Lines, _events, _stored, _repeats, _conflicts, _created, _qualified, BadLines, [.. _problems.OrderBy(p => p.Line)]);
    }
}
