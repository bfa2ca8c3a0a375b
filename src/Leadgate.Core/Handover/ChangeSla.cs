using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;

namespace Leadgate.Handover;

/// <summary>The response clock's settings, with the time zone they count in filled in.</summary>
public sealed class GetSla(LeadgateDbContext db)
{
    public async Task<SlaSettings> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var (_, sla) = await db.HandoverSettingsOfAsync(actor.OrganisationId, cancellationToken);
        if (sla.TimeZone is not null)
        {
            return sla;
        }

        var organisation = await db.Organisations.FindAsync([actor.OrganisationId], cancellationToken);
        return sla with { TimeZone = organisation?.TimeZone };
    }
}

/// <summary>
/// An admin or manager changes the response clock. New handovers count with it; clocks already running keep the due
/// time they were given, so a rep's deadline never moves under their feet.
/// </summary>
public sealed class ChangeSla(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<SlaSettings>> HandleAsync(SlaSettings? sla, Actor actor, CancellationToken cancellationToken)
    {
        if (!ChangeRouting.MayChange(actor))
        {
            return new Forbidden("Only an admin or a manager changes the response clock.");
        }

        if (sla is null)
        {
            return Invalid.Field("body", "Send the SLA settings as a JSON object.");
        }

        if (sla.Validate() is { } invalid)
        {
            return invalid;
        }

        var settings = await db.HandoverSettingsForChangeAsync(actor.OrganisationId, cancellationToken);
        var now = clock.GetUtcNow();
        settings.Change(sla with { TimeZone = sla.TimeZone?.Trim(), DayStartsAt = sla.DayStartsAt.Trim(), DayEndsAt = sla.DayEndsAt.Trim() }, actor.Name, now);
        db.AuditEntries.Add(Privacy.AuditEntry.SettingsChanged(actor, "sla", now));
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : await new GetSla(db).HandleAsync(actor, cancellationToken);
    }
}
