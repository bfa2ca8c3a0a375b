using System.Security.Cryptography;
using System.Text;
using Leadgate.Common;

namespace Leadgate.Accounts;

/// <summary>
/// A personal API key. It acts as its user, with that user's roles, so every change made through it is attributable
/// to a person. Only a SHA-256 hash is stored: the key is 256 random bits, so a slow hash would add nothing.
/// </summary>
public sealed class ApiKey
{
    public const string KeyPrefix = "lg_";

    private ApiKey()
    {
        Name = null!;
        Prefix = null!;
        Hash = null!;
    }

    public Guid Id { get; private set; }

    public Guid OrganisationId { get; private set; }

    public Guid UserId { get; private set; }

    public string Name { get; private set; }

    /// <summary>The public part of the key, used to find it and shown in lists so a user can tell keys apart.</summary>
    public string Prefix { get; private set; }

    public byte[] Hash { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? LastUsedAt { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }

    public bool IsActive => RevokedAt is null;

    /// <summary>Makes a new key; the secret is returned once and never stored.</summary>
    public static (ApiKey Key, string Secret) Issue(Guid organisationId, Guid userId, string name, DateTimeOffset at)
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var full = $"{KeyPrefix}{prefix}_{secret}";
        var key = new ApiKey
        {
            Id = Ids.New(at),
            OrganisationId = organisationId,
            UserId = userId,
            Name = name.Trim(),
            Prefix = prefix,
            Hash = HashOf(full),
            CreatedAt = at,
        };
        return (key, full);
    }

    /// <summary>The prefix of a presented key, or null when it is not shaped like one of ours.</summary>
    public static string? PrefixOf(string presented)
    {
        if (!presented.StartsWith(KeyPrefix, StringComparison.Ordinal) || presented.Length < KeyPrefix.Length + 12)
        {
            return null;
        }

        var rest = presented.AsSpan(KeyPrefix.Length);
        var underscore = rest.IndexOf('_');
        return underscore == 10 ? rest[..underscore].ToString() : null;
    }

    public bool Matches(string presented) => CryptographicOperations.FixedTimeEquals(HashOf(presented), Hash);

    public void Revoke(DateTimeOffset at) => RevokedAt ??= at;

    public void MarkUsed(DateTimeOffset at) => LastUsedAt = at;

    private static byte[] HashOf(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
