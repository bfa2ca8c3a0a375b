using Leadgate.Common;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Data;

public static class Saving
{
    /// <summary>
    /// Saves, turning a lost optimistic-concurrency race into a typed error: 412 when the caller named the version it
    /// read (If-Match), otherwise a conflict it can retry. A unique-index race becomes a conflict too.
    /// </summary>
    public static async Task<Result<Done>> SaveAsync(this LeadgateDbContext db, long? expectedVersion, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return Done.Value;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return expectedVersion is { } expected
                ? new PreconditionFailed(expected + 1)
                : new Conflict("concurrent-update", "Someone else changed this at the same moment; read it again and retry.");
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return new Conflict("duplicate", "This conflicts with a record that was written at the same moment; retry.");
        }
        catch (InvalidOperationException exception) when (exception.InnerException is DbUpdateException)
        {
            // Npgsql's execution strategy wraps a transient failure (a deadlock between concurrent writers) this way.
            db.ChangeTracker.Clear();
            return new Conflict("concurrent-update", "Someone else changed this at the same moment; retry.");
        }
    }

    /// <summary>The If-Match check done before any change: a stale version is refused without touching anything.</summary>
    public static Error? CheckVersion(long actual, long? expected) =>
        expected is { } e && e != actual ? new PreconditionFailed(actual) : null;
}
