using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Qualification;

public sealed record ReasonView(ReasonKind Kind, string Code, string Label, bool RequiresNote);

/// <summary>The organisation's reason lists.</summary>
public sealed class ListReasons(LeadgateDbContext db)
{
    public async Task<IReadOnlyList<ReasonView>> HandleAsync(ReasonKind? kind, Actor actor, CancellationToken cancellationToken) =>
        await db.Reasons.AsNoTracking()
            .Where(r => r.OrganisationId == actor.OrganisationId && r.IsActive && (kind == null || r.Kind == kind))
            .OrderBy(r => r.Kind).ThenBy(r => r.SortOrder)
            .Select(r => new ReasonView(r.Kind, r.Code, r.Label, r.RequiresNote))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// The listed reason a request names. No code gives null (the lifecycle guard then names the missing reason);
    /// a code that is not on the list is invalid input naming the field.
    /// </summary>
    public static async Task<Result<Reason?>> FindAsync(LeadgateDbContext db, Guid organisationId, ReasonKind kind, string? code, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return (Reason?)null;
        }

        var reasons = await db.Reasons.AsNoTracking()
            .Where(r => r.OrganisationId == organisationId && r.Kind == kind && r.IsActive)
            .ToListAsync(cancellationToken);
        var reason = reasons.FirstOrDefault(r => string.Equals(r.Code, code.Trim(), StringComparison.OrdinalIgnoreCase));
        return reason is null
            ? Invalid.Field("reason", $"'{Truncate(code)}' is not on the organisation's list; use one of {string.Join(", ", reasons.Select(r => r.Code))}.")
            : reason;
    }

    private static string Truncate(string text) => text.Length > 50 ? text[..50] + "…" : text;
}
