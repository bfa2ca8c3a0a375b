using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Leadgate.Intake;

/// <summary>What a signature check found; only <see cref="Valid"/> lets a webhook in.</summary>
public enum SignatureCheck
{
    Valid,
    MissingHeaders,
    MalformedTimestamp,
    StaleTimestamp,
    FutureTimestamp,
    MalformedSignature,
    Mismatch,
}

/// <summary>
/// The inbound webhook signature: <c>X-Leadgate-Signature: sha256=&lt;hex HMAC-SHA256 of "&lt;timestamp&gt;.&lt;raw body&gt;"&gt;</c>
/// with <c>X-Leadgate-Timestamp: &lt;unix seconds&gt;</c>, keyed with the UTF-8 bytes of the source's secret. The timestamp is
/// part of what is signed, so an old request cannot be replayed with a fresh timestamp; it must lie within
/// <see cref="Tolerance"/> of the server's clock either way. Digests are compared in constant time.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Leadgate-Signature";
    public const string TimestampHeader = "X-Leadgate-Timestamp";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const string Scheme = "sha256=";
    private const int DigestHexLength = 64;

    /// <summary>A new shared secret for HMAC signing (256 random bits), for inbound sources and outbound subscriptions alike.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The header value a sender puts in <see cref="SignatureHeader"/>.</summary>
    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body) =>
        Scheme + Convert.ToHexStringLower(Digest(secret, unixSeconds.ToString(CultureInfo.InvariantCulture), body));

    public static SignatureCheck Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return SignatureCheck.MissingHeaders;
        }

        // Digits only (no sign, spaces or exponent), so the signed text is exactly what the sender wrote.
        if (timestamp.Length > 12 || !timestamp.All(char.IsAsciiDigit)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.MalformedTimestamp;
        }

        var sentAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (sentAt < now - Tolerance)
        {
            return SignatureCheck.StaleTimestamp;
        }

        if (sentAt > now + Tolerance)
        {
            return SignatureCheck.FutureTimestamp;
        }

        var hex = signature.AsSpan().Trim();
        if (!hex.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || hex.Length != Scheme.Length + DigestHexLength)
        {
            return SignatureCheck.MalformedSignature;
        }

        Span<byte> given = stackalloc byte[DigestHexLength / 2];
        if (Convert.FromHexString(hex[Scheme.Length..], given, out _, out var written) != System.Buffers.OperationStatus.Done || written != given.Length)
        {
            return SignatureCheck.MalformedSignature;
        }

        return CryptographicOperations.FixedTimeEquals(Digest(secret, timestamp, body), given) ? SignatureCheck.Valid : SignatureCheck.Mismatch;
    }

    private static byte[] Digest(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
