namespace Leadgate.Accounts;

public enum ActorKind
{
    User,
    Rule,
    Import,
    System,
}

/// <summary>How a request reached the core; the lifecycle table lets "API" create leads whatever the caller's role.</summary>
public enum Channel
{
    Ui,
    Api,
    Cli,
    Background,
}

/// <summary>Who does something: a person (with their roles), a named rule, an import or the system. Every stage event records one.</summary>
public sealed record Actor(ActorKind Kind, Guid OrganisationId, Guid? UserId, string Name, IReadOnlySet<string> Roles, Channel Channel)
{
    /// <summary>The API key the user called with, if any: the audit log tells a key from the person who made it.</summary>
    public Guid? ApiKeyId { get; init; }

    public static Actor ForUser(Guid organisationId, Guid userId, string name, IEnumerable<string> roles, Channel channel) =>
        new(ActorKind.User, organisationId, userId, name, roles.ToHashSet(StringComparer.Ordinal), channel);

    public static Actor ForRule(Guid organisationId, string ruleName) =>
        new(ActorKind.Rule, organisationId, null, ruleName, new HashSet<string>(), Channel.Background);

    public static Actor ForSystem(Guid organisationId) =>
        new(ActorKind.System, organisationId, null, "system", new HashSet<string>(), Channel.Background);

    public static Actor ForImport(Guid organisationId) =>
        new(ActorKind.Import, organisationId, null, "import", new HashSet<string>(), Channel.Cli);

    /// <summary>An integration without a user of its own (a web form, an outreach webhook), named after itself in history.</summary>
    public static Actor ForIntegration(Guid organisationId, string name) =>
        new(ActorKind.System, organisationId, null, name, new HashSet<string>(), Channel.Api);

    public bool IsIn(string role) => Kind == ActorKind.User && Roles.Contains(role);
}
