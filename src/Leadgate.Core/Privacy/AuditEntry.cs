using Leadgate.Accounts;
using Leadgate.Common;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Privacy;

/// <summary>Who did something: a person signed in, an API key, a named rule, an import, or the system.</summary>
public enum AuditActorKind
{
    User,
    ApiKey,
    Rule,
    Import,
    System,
}

/// <summary>
/// One line of the audit log: who did what to which record and when, and the names of the fields a change touched, never
/// their values. Append-only: nothing updates or deletes a line (the model refuses it on save).
/// </summary>
public sealed class AuditEntry
{
    public const int MaxFieldsLength = 1_000;
    public const int MaxReasonLength = 200;

    /// <summary>The entity name of a person (a contact), as exports and erasures record it.</summary>
    public const string Person = "Person";

    private AuditEntry()
    {
        Action = null!;
        Entity = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public DateTimeOffset At { get; private set; }

    public AuditActorKind ActorKind { get; private set; }

    /// <summary>The user's or API key's id, or the rule's name; null for the system and imports.</summary>
    public string? ActorId { get; private set; }

    /// <summary>What was done, as a stable code: <c>person.exported</c>, <c>person.erased</c>, <c>lead.stage_changed</c>, <c>lead.assigned</c>.</summary>
    public string Action { get; private set; }

    /// <summary>The kind of record: <c>Person</c> (a contact), <c>Lead</c>, …</summary>
    public string Entity { get; private set; }

    public Guid? EntityId { get; private set; }

    /// <summary>The names of the fields changed, comma-separated; never their values.</summary>
    public string? Fields { get; private set; }

    /// <summary>Why, as the admin gave it for an erasure (a request's reference); never the person's data.</summary>
    public string? Reason { get; private set; }

    public static AuditEntry Record(Actor actor, string action, string entity, Guid? entityId, IEnumerable<string>? fields, DateTimeOffset at, string? reason = null)
    {
        var (kind, id) = Who(actor);
        var names = fields is null ? null : string.Join(',', fields);
        return new AuditEntry
        {
            Id = Ids.New(at),
            OrganisationId = actor.OrganisationId,
            At = at,
            ActorKind = kind,
            ActorId = id,
            Action = action,
            Entity = entity,
            EntityId = entityId,
            Fields = names is { Length: > MaxFieldsLength } ? names[..MaxFieldsLength] : names is { Length: 0 } ? null : names,
            Reason = reason is { Length: > MaxReasonLength } ? reason[..MaxReasonLength] : reason,
        };
    }

    /// <summary>
    /// An erasure passed on from a linked organisation (the agency that handed the person over, or the client it handed them
    /// to; GDPR Art. 19): recorded in this organisation by the system, with the reason saying where it came from.
    /// </summary>
    public static AuditEntry ErasurePassedOn(Guid organisationId, Guid contactId, IEnumerable<string> fields, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = organisationId,
        At = at,
        ActorKind = AuditActorKind.System,
        Action = "person.erased",
        Entity = Person,
        EntityId = contactId,
        Fields = string.Join(',', fields),
        Reason = "passed on by the linked organisation that erased the person (GDPR Art. 19)",
    };

    /// <summary>A change of one of the organisation's settings (<c>settings.{name}_changed</c>), by whom and when; never the values.</summary>
    public static AuditEntry SettingsChanged(Actor actor, string settings, DateTimeOffset at, IEnumerable<string>? fields = null) =>
        Record(actor, $"settings.{settings}_changed", "Settings", null, fields, at);

    /// <summary>A stage event or assignment recorded with the actor's kind, user id and name as the lead's history keeps them.</summary>
    internal static AuditEntry Record(Guid organisationId, Accounts.ActorKind kind, Guid? userId, string name, string action, string entity, Guid entityId, string? fields, DateTimeOffset at) => new()
    {
        Id = Ids.New(at),
        OrganisationId = organisationId,
        At = at,
        ActorKind = kind switch
        {
            Accounts.ActorKind.User => AuditActorKind.User,
            Accounts.ActorKind.Rule => AuditActorKind.Rule,
            Accounts.ActorKind.Import => AuditActorKind.Import,
            Accounts.ActorKind.System => AuditActorKind.System,
        },
        ActorId = userId?.ToString() ?? (kind == Accounts.ActorKind.Rule ? Trim(name) : null),
        Action = action,
        Entity = entity,
        EntityId = entityId,
        Fields = fields,
    };

    private static (AuditActorKind Kind, string? Id) Who(Actor actor) => actor.Kind switch
    {
        Accounts.ActorKind.User when actor.ApiKeyId is { } key => (AuditActorKind.ApiKey, key.ToString()),
        Accounts.ActorKind.User => (AuditActorKind.User, actor.UserId?.ToString()),
        Accounts.ActorKind.Rule => (AuditActorKind.Rule, Trim(actor.Name)),
        Accounts.ActorKind.Import => (AuditActorKind.Import, null),
        Accounts.ActorKind.System => (AuditActorKind.System, null),
    };

    private static string Trim(string name) => name.Length > 100 ? name[..100] : name;

    internal static void Configure(ModelBuilder builder) => builder.Entity<AuditEntry>(entry =>
    {
        entry.Property(e => e.ActorId).HasMaxLength(100);
        entry.Property(e => e.Action).HasMaxLength(64);
        entry.Property(e => e.Entity).HasMaxLength(32);
        entry.Property(e => e.Fields).HasMaxLength(MaxFieldsLength);
        entry.Property(e => e.Reason).HasMaxLength(MaxReasonLength);
        // The log's default read: an organisation's entries in order, a page at a time; and one record's entries.
        entry.HasIndex(e => new { e.OrganisationId, e.At, e.Id });
        entry.HasIndex(e => new { e.OrganisationId, e.EntityId, e.At });
        entry.HasOne<Organisation>().WithMany().HasForeignKey(e => e.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    });
}
