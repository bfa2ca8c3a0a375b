using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Privacy;

/// <summary>
/// An erased person, remembered only as a keyed hash of their normalised e-mail address (HMAC-SHA256 with the
/// organisation's own key, <see cref="PrivacyKey"/>), so that no intake path brings them back. The address itself is
/// not kept: without the key the hash tells nobody who it was.
/// </summary>
public sealed class Suppression
{
    private Suppression()
    {
        Hash = null!;
    }

    public Guid OrganisationId { get; private set; }

    /// <summary>Lower-case hex of the HMAC.</summary>
    public string Hash { get; private set; }

    public DateTimeOffset SuppressedAt { get; private set; }

    internal static Suppression Of(Guid organisationId, string hash, DateTimeOffset at) => new() { OrganisationId = organisationId, Hash = hash, SuppressedAt = at };
}

/// <summary>
/// The organisation's suppression key: 256 random bits kept only as Data Protection ciphertext, as webhook secrets are
/// (decision 0006). Made the first time the organisation's suppression list is used.
/// </summary>
public sealed class PrivacyKey
{
    private PrivacyKey()
    {
        ProtectedKey = null!;
    }

    public Guid OrganisationId { get; private set; }

    public string ProtectedKey { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    internal static PrivacyKey New(Guid organisationId, string protectedKey, DateTimeOffset at) => new() { OrganisationId = organisationId, ProtectedKey = protectedKey, CreatedAt = at };

    internal static void Configure(Microsoft.EntityFrameworkCore.ModelBuilder builder)
    {
        builder.Entity<PrivacyKey>(key =>
        {
            key.HasKey(k => k.OrganisationId);
            key.Property(k => k.ProtectedKey).HasMaxLength(2_000);
            key.HasOne<Accounts.Organisation>().WithMany().HasForeignKey(k => k.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Suppression>(suppression =>
        {
            suppression.HasKey(s => new { s.OrganisationId, s.Hash });
            suppression.Property(s => s.Hash).HasMaxLength(64);
            suppression.HasOne<Accounts.Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}

/// <summary>An erased person was sent again: nothing is stored. Names the fields that carried their address.</summary>
public sealed record Suppressed(IReadOnlyList<string> Fields)
    : Error("This person asked to be erased; their data is not taken in again.");

/// <summary>
/// The suppression list: hashes an address with the organisation's key, adds erased people, and tells which of a set of
/// addresses are suppressed. Intake only asks about addresses it does not know (a known contact is not erased: an erased
/// one no longer has their address), so a batch of known people costs nothing.
/// </summary>
public sealed class SuppressionList(IDbContextFactory<LeadgateDbContext> contexts, IDataProtectionProvider dataProtection, TimeProvider clock)
{
    private const string Purpose = "Leadgate.Privacy.SuppressionKey.v1";
    private readonly ConcurrentDictionary<Guid, byte[]> _keys = new();

    /// <summary>The addresses among <paramref name="emails"/> whose person was erased (one query, none when the list is empty).</summary>
    public async Task<HashSet<string>> SuppressedAsync(LeadgateDbContext db, Guid organisationId, IEnumerable<string> emails, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var wanted = emails.Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0 || !await db.Suppressions.AnyAsync(s => s.OrganisationId == organisationId, cancellationToken))
        {
            return found;
        }

        var key = await KeyAsync(db, organisationId, cancellationToken);
        var byHash = wanted.ToDictionary(e => HashOf(key, e), StringComparer.Ordinal);
        var hashes = byHash.Keys.ToList();
        foreach (var hash in await db.Suppressions.Where(s => s.OrganisationId == organisationId && hashes.Contains(s.Hash)).Select(s => s.Hash).ToListAsync(cancellationToken))
        {
            found.Add(byHash[hash]);
        }

        return found;
    }

    public async Task<bool> IsSuppressedAsync(LeadgateDbContext db, Guid organisationId, string email, CancellationToken cancellationToken) =>
        (await SuppressedAsync(db, organisationId, [email], cancellationToken)).Count > 0;

    /// <summary>Adds the address to the list (tracked; saved with the erasure). A second erasure of the same address adds nothing.</summary>
    /// <summary>Makes the organisation's key if it has none yet, outside any transaction of the caller's.</summary>
    public Task PrepareAsync(LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken) => KeyAsync(db, organisationId, cancellationToken);

    public async Task AddAsync(LeadgateDbContext db, Guid organisationId, string email, CancellationToken cancellationToken)
    {
        var hash = HashOf(await KeyAsync(db, organisationId, cancellationToken), email);
        if (!await db.Suppressions.AnyAsync(s => s.OrganisationId == organisationId && s.Hash == hash, cancellationToken))
        {
            db.Suppressions.Add(Suppression.Of(organisationId, hash, clock.GetUtcNow()));
        }
    }

    /// <summary>HMAC-SHA256 of the normalised (trimmed, lower-case) address.</summary>
    internal static string HashOf(byte[] key, string email) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())));

    private async Task<byte[]> KeyAsync(LeadgateDbContext db, Guid organisationId, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(organisationId, out var cached))
        {
            return cached;
        }

        var protector = dataProtection.CreateProtector(Purpose);
        var stored = await db.PrivacyKeys.AsNoTracking().FirstOrDefaultAsync(k => k.OrganisationId == organisationId, cancellationToken);
        if (stored is null)
        {
            // Made in a context of its own, so the caller's unit of work is not saved with it (erasure asks for the key before
            // it opens its transaction). Another instance may make one at the same moment: then theirs is read.
            var made = PrivacyKey.New(organisationId, protector.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), clock.GetUtcNow());
            await using (var own = await contexts.CreateDbContextAsync(cancellationToken))
            {
                own.PrivacyKeys.Add(made);
                try
                {
                    await own.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another instance made the key first; it is read below.
                }
            }

            stored = await db.PrivacyKeys.AsNoTracking().FirstAsync(k => k.OrganisationId == organisationId, cancellationToken);
        }

        var bytes = Convert.FromBase64String(protector.Unprotect(stored.ProtectedKey));
        return _keys.GetOrAdd(organisationId, bytes);
    }
}
