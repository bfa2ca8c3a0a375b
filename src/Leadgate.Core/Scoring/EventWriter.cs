using System.Threading.Channels;
using Leadgate.Accounts;
using Leadgate.Common;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Scoring;

/// <summary>
/// Group commit for <c>POST /api/v1/events</c>: requests are checked where they arrive (a bad one is refused at once, on
/// its own), then queued to one writer per process. The writer takes whatever has arrived, up to
/// <see cref="RecordEvents.MaxBatch"/> events, records it in one transaction and answers every request with its own
/// outcome only after that transaction has committed, so an acknowledged event is stored and scored. While one group
/// commits the next one gathers: 64 one-event requests cost one transaction instead of 64 that wait for each other's
/// write lock (docs/performance.md, P2).
/// </summary>
public sealed class EventWriter : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = System.Threading.Channels.Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeProvider _clock;
    private readonly WriterSession _session;
    private readonly Task _loop;

    public EventWriter(IServiceScopeFactory scopes, TimeProvider clock)
    {
        _clock = clock;
        _session = new WriterSession(scopes);
        _loop = Task.Run(WriteAsync);
    }

    public async Task<Result<RecordedEvents>> RecordAsync(RecordEventsRequest request, Actor actor, CancellationToken cancellationToken)
    {
        var batch = RecordEvents.Check(request, actor, _clock.GetUtcNow());
        if (batch.Error is { } invalid)
        {
            return invalid;
        }

        var pending = new Pending(batch.Value, new TaskCompletionSource<Result<RecordedEvents>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The event writer has stopped: the app is shutting down.");
        }

        // A caller that goes away stops waiting; its events are still recorded with the group they are in.
        return await pending.Answer.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _session.DisposeAsync();
    }

    private async Task WriteAsync()
    {
        var reader = _queue.Reader;
        var group = new List<Pending>();
        while (await reader.WaitToReadAsync())
        {
            group.Clear();
            var events = 0;
            while (reader.TryPeek(out var next) && (group.Count == 0 || events + next.Batch.Count <= RecordEvents.MaxBatch) && reader.TryRead(out next))
            {
                group.Add(next);
                events += next.Batch.Count;
            }

            try
            {
                var recorder = await _session.RecorderAsync(CancellationToken.None);
                var results = await recorder.RecordAsync([.. group.Select(p => p.Batch)], CancellationToken.None);
                _session.Done();
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Answer.TrySetResult(results[i]);
                }
            }
#pragma warning disable CA1031 // A failure (a bug, the database gone) is handed to every waiting request, which reports it; the writer goes on.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                foreach (var pending in group)
                {
                    pending.Answer.TrySetException(exception);
                }

                // A context or connection left in a bad state (a transaction still open after a failed rollback) is not used again.
                await _session.ResetAsync();
            }
        }
    }

    private sealed record Pending(EventBatch Batch, TaskCompletionSource<Result<RecordedEvents>> Answer);
}
