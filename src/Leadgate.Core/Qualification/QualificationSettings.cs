using System.Text.RegularExpressions;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Qualification;

/// <summary>One entry of a reason list as the settings show and take it; an inactive one stays for history and reports.</summary>
public sealed record ReasonSetting
{
    public ReasonKind? Kind { get; set; }

    public string? Code { get; set; }

    public string? Label { get; set; }

    public bool RequiresNote { get; set; }

    public bool Active { get; set; } = true;
}

/// <summary>The organisation's qualification settings: the BANT minimum for SQL and the reason lists.</summary>
public sealed record QualificationSettingsView(BantMinimum SqlMinimum, IReadOnlyList<ReasonSetting> Reasons);

/// <summary>A whole replacement of the settings (PUT): every reason list as it should be, in its order.</summary>
public sealed record ChangeQualificationSettingsRequest
{
    public BantMinimum? SqlMinimum { get; set; }

    public IReadOnlyList<ReasonSetting>? Reasons { get; set; }
}

/// <summary>Every member reads the settings (sales sees what accepting needs).</summary>
public sealed class GetQualificationSettings(LeadgateDbContext db)
{
    public async Task<QualificationSettingsView> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var minimum = await db.Organisations.AsNoTracking().Where(o => o.Id == actor.OrganisationId).Select(o => o.SqlMinimum).FirstAsync(cancellationToken);
        var reasons = await db.Reasons.AsNoTracking()
            .Where(r => r.OrganisationId == actor.OrganisationId)
            .OrderBy(r => r.Kind).ThenBy(r => r.SortOrder)
            .ToListAsync(cancellationToken);
        return new QualificationSettingsView(minimum, [.. reasons.Select(r => new ReasonSetting { Kind = r.Kind, Code = r.Code, Label = r.Label, RequiresNote = r.RequiresNote, Active = r.IsActive })]);
    }
}

/// <summary>
/// An admin or manager sets what BANT must show before sales may accept (per dimension: nothing, Partial or Confirmed)
/// and the reason lists. A reason is never deleted — stage events and reports name it by code — so one left out of the
/// list, or marked inactive, is no longer offered. Each list keeps at least one active reason.
/// </summary>
public sealed partial class ChangeQualificationSettings(LeadgateDbContext db, TimeProvider clock)
{
    public static bool MayChange(Actor actor) => actor.IsIn(Roles.Admin) || actor.IsIn(Roles.Manager);

    public async Task<Result<QualificationSettingsView>> HandleAsync(ChangeQualificationSettingsRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (!MayChange(actor))
        {
            return new Forbidden("Only an admin or a manager changes the qualification settings.");
        }

        var errors = new Dictionary<string, string[]>();
        var minimum = request.SqlMinimum ?? BantMinimum.Default;
        foreach (var dimension in Enum.GetValues<BantDimension>())
        {
            if (minimum.RequiredFor(dimension) is BantStatus.No or BantStatus.Unknown)
            {
                errors[$"sqlMinimum.{dimension.ToString().ToLowerInvariant()}"] = ["A minimum is Partial, Confirmed, or none (null)."];
            }
        }

        var wanted = request.Reasons ?? [];
        if (request.Reasons is null)
        {
            errors["reasons"] = ["The reason lists are required."];
        }

        var seen = new HashSet<(ReasonKind, string)>();
        for (var i = 0; i < wanted.Count; i++)
        {
            var reason = wanted[i];
            if (reason.Kind is null)
            {
                errors[$"reasons[{i}].kind"] = ["Rejection, Disqualification or Lost."];
            }

            if (reason.Code is not { } code || !CodeShape().IsMatch(code))
            {
                errors[$"reasons[{i}].code"] = ["A code is 2 to 50 letters or digits, starting with a letter (such as NoBudget)."];
            }
            else if (reason.Kind is { } kind && !seen.Add((kind, code.ToUpperInvariant())))
            {
                errors[$"reasons[{i}].code"] = [$"'{code}' is on the {kind} list twice."];
            }

            if (string.IsNullOrWhiteSpace(reason.Label) || reason.Label.Trim().Length > 200 || reason.Label.Any(char.IsControl))
            {
                errors[$"reasons[{i}].label"] = ["A label of 1 to 200 printable characters."];
            }
        }

        foreach (var kind in Enum.GetValues<ReasonKind>())
        {
            if (request.Reasons is not null && !wanted.Any(r => r.Kind == kind && r.Active))
            {
                errors["reasons"] = [$"The {kind} list needs at least one active reason."];
            }
        }

        if (errors.Count > 0)
        {
            return new Invalid(errors);
        }

        var organisation = await db.Organisations.FirstAsync(o => o.Id == actor.OrganisationId, cancellationToken);
        organisation.ChangeSqlMinimum(minimum);
        var existing = await db.Reasons.Where(r => r.OrganisationId == actor.OrganisationId).ToListAsync(cancellationToken);
        foreach (var kind in Enum.GetValues<ReasonKind>())
        {
            var list = wanted.Where(r => r.Kind == kind).ToList();
            var order = 0;
            foreach (var setting in list)
            {
                var label = setting.Label!.Trim();
                if (existing.FirstOrDefault(r => r.Kind == kind && string.Equals(r.Code, setting.Code, StringComparison.OrdinalIgnoreCase)) is { } reason)
                {
                    reason.Revise(label, setting.RequiresNote, setting.Active, order++);
                }
                else
                {
                    db.Reasons.Add(Reason.Listed(actor.OrganisationId, kind, setting.Code!, label, setting.RequiresNote, setting.Active, order++));
                }
            }

            foreach (var dropped in existing.Where(r => r.Kind == kind && !list.Any(s => string.Equals(s.Code, r.Code, StringComparison.OrdinalIgnoreCase))))
            {
                dropped.Revise(dropped.Label, dropped.RequiresNote, active: false, order++);
            }
        }

        db.AuditEntries.Add(Privacy.AuditEntry.SettingsChanged(actor, "qualification", clock.GetUtcNow()));
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : await new GetQualificationSettings(db).HandleAsync(actor, cancellationToken);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{1,49}$", RegexOptions.CultureInvariant)]
    private static partial Regex CodeShape();
}
