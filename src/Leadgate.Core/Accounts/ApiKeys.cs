using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Accounts;

public sealed record ApiKeyView(Guid Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record IssuedApiKey(ApiKeyView Key, string Secret);

/// <summary>Issues a personal API key for a user; the secret is returned once.</summary>
public sealed class CreateApiKey(LeadgateDbContext db, TimeProvider clock)
{
    public async Task<Result<IssuedApiKey>> HandleAsync(Guid organisationId, Guid userId, string? name, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 100)
        {
            return Invalid.Field("name", "A name of 1 to 100 characters is required, so you can tell your keys apart.");
        }

        if (!await db.Users.AnyAsync(u => u.Id == userId && u.OrganisationId == organisationId, cancellationToken))
        {
            return new NotFound("User", userId);
        }

        var now = clock.GetUtcNow();
        var (key, secret) = ApiKey.Issue(organisationId, userId, name, now);
        db.ApiKeys.Add(key);
        db.AuditEntries.Add(Privacy.AuditEntry.Record(organisationId, ActorKind.User, userId, "", "apikey.created", "ApiKey", key.Id, "name", now));
        var saved = await db.SaveAsync(null, cancellationToken);
        return saved.Error is { } error ? error : new IssuedApiKey(ToView(key), secret);
    }

    /// <summary>Resolves the organisation by slug and the user by e-mail, as the CLI names them.</summary>
    public async Task<Result<IssuedApiKey>> HandleAsync(string organisationSlug, string? userEmail, string? name, CancellationToken cancellationToken)
    {
        var email = EmailAddress.Parse(userEmail, "user");
        if (email.Error is { } invalid)
        {
            return invalid;
        }

        var normalisedEmail = email.Value.Value.ToUpperInvariant();
        var user = await db.Users.AsNoTracking()
            .Join(db.Organisations, u => u.OrganisationId, o => o.Id, (u, o) => new { u.Id, u.NormalizedEmail, o.Slug, OrganisationId = o.Id })
            .FirstOrDefaultAsync(u => u.Slug == organisationSlug && u.NormalizedEmail == normalisedEmail, cancellationToken);
        if (user is null)
        {
            return await db.Organisations.AnyAsync(o => o.Slug == organisationSlug, cancellationToken)
                ? new NotFound("User", email.Value.Value)
                : new NotFound("Organisation", organisationSlug);
        }

        return await HandleAsync(user.OrganisationId, user.Id, name, cancellationToken);
    }

    internal static ApiKeyView ToView(ApiKey key) => new(key.Id, key.Name, key.Prefix, key.CreatedAt, key.LastUsedAt, key.RevokedAt);
}

/// <summary>A user's keys; an admin sees the whole organisation's.</summary>
public sealed class ListApiKeys(LeadgateDbContext db)
{
    public async Task<IReadOnlyList<ApiKeyView>> HandleAsync(Actor actor, CancellationToken cancellationToken)
    {
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.OrganisationId == actor.OrganisationId && k.UserId == actor.UserId)
            .ToListAsync(cancellationToken);
        return [.. keys.OrderByDescending(k => k.CreatedAt).Select(CreateApiKey.ToView)];
    }
}

/// <summary>Revokes a key at once: the next request with it is refused. A user revokes their own keys, an admin any key of the organisation.</summary>
public sealed class RevokeApiKey(LeadgateDbContext db, TimeProvider clock, ApiKeyCache cache)
{
    public async Task<Result<ApiKeyView>> HandleAsync(Guid keyId, Actor actor, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(
            k => k.Id == keyId && k.OrganisationId == actor.OrganisationId && (k.UserId == actor.UserId || actor.Kind != ActorKind.User || actor.Roles.Contains(Roles.Admin)),
            cancellationToken);
        if (key is null)
        {
            return new NotFound("ApiKey", keyId);
        }

        var now = clock.GetUtcNow();
        key.Revoke(now);
        db.AuditEntries.Add(Privacy.AuditEntry.Record(actor, "apikey.revoked", "ApiKey", key.Id, ["revokedAt"], now));
        var saved = await db.SaveAsync(null, cancellationToken);
        cache.Evict(key.Id);
        return saved.Error is { } error ? error : CreateApiKey.ToView(key);
    }
}

public sealed record AuthenticatedKey(Guid KeyId, Guid UserId, Guid OrganisationId, string DisplayName, IReadOnlyList<string> Roles);

/// <summary>Finds the user behind a presented key. Revoked and unknown keys fail the same way.</summary>
public sealed class AuthenticateApiKey(LeadgateDbContext db, TimeProvider clock, ApiKeyCache cache)
{
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<AuthenticatedKey?> HandleAsync(string presented, CancellationToken cancellationToken)
    {
        if (ApiKey.PrefixOf(presented) is not { } prefix)
        {
            return null;
        }

        if (cache.Find(presented) is { } known)
        {
            return known;
        }

        var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == prefix, cancellationToken);
        if (key is null || !key.IsActive || !key.Matches(presented))
        {
            return null;
        }

        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == key.UserId && u.OrganisationId == key.OrganisationId)
            .Select(u => new { u.Id, u.DisplayName, u.LockoutEnd })
            .FirstOrDefaultAsync(cancellationToken);
        var now = clock.GetUtcNow();
        if (user is null || user.LockoutEnd > now)
        {
            return null;
        }

        var roles = await (
            from userRole in db.UserRoles
            join role in db.Roles on userRole.RoleId equals role.Id
            where userRole.UserId == user.Id
            select role.Name).ToListAsync(cancellationToken);

        if (key.LastUsedAt is null || now - key.LastUsedAt > LastUsedResolution)
        {
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }

        return cache.Keep(presented, new AuthenticatedKey(key.Id, user.Id, key.OrganisationId, user.DisplayName, [.. roles.OfType<string>()]));
    }
}

/// <summary>
/// Keys that authenticated in the last <see cref="Lifetime"/>, so a busy integration does not cost three queries a request.
/// Revoking a key on this instance evicts it at once. Another instance, or a change to the user's roles or lock-out, is
/// seen within <see cref="Lifetime"/>. Only a hash of each presented secret is kept.
/// </summary>
public sealed class ApiKeyCache
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);
    private const int MaxEntries = 10_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (AuthenticatedKey Key, long Until)> _keys = new(StringComparer.Ordinal);

    public AuthenticatedKey? Find(string presented) =>
        _keys.TryGetValue(HashOf(presented), out var entry) && Environment.TickCount64 < entry.Until ? entry.Key : null;

    public AuthenticatedKey Keep(string presented, AuthenticatedKey key)
    {
        if (_keys.Count >= MaxEntries)
        {
            _keys.Clear();
        }

        _keys[HashOf(presented)] = (key, Environment.TickCount64 + (long)Lifetime.TotalMilliseconds);
        return key;
    }

    public void Evict(Guid keyId)
    {
        foreach (var entry in _keys.Where(e => e.Value.Key.KeyId == keyId))
        {
            _keys.TryRemove(entry);
        }
    }

    private static string HashOf(string presented) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(presented)));
}
