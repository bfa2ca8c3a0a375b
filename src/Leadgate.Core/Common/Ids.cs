using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Leadgate.Common;

/// <summary>
/// New keys: version 7 GUIDs (RFC 9562), the creation time's milliseconds first so keys sort by time in every index,
/// then 74 random bits. As <see cref="Guid.CreateVersion7(DateTimeOffset)"/> makes them, except that the random bits are
/// drawn from the operating system 4 KB at a time per thread, not with a system call per key: an import makes four keys
/// a row, and those calls were 4.5% of its writer's time (docs/performance.md, P5).
/// </summary>
public static class Ids
{
    private const int RandomBytes = 10;

    [ThreadStatic]
    private static byte[]? _pool;

    [ThreadStatic]
    private static int _used;

    public static Guid New(DateTimeOffset at)
    {
        var milliseconds = at.ToUnixTimeMilliseconds();
        if (milliseconds is < 0 or > 0xFFFF_FFFF_FFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(at), at, "A version 7 key holds a time from 1970 on, in 48 bits of milliseconds.");
        }

        var pool = _pool ??= new byte[4096];
        if (_used == 0 || _used + RandomBytes > pool.Length)
        {
            RandomNumberGenerator.Fill(pool);
            _used = 0;
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)milliseconds << 16);
        pool.AsSpan(_used, RandomBytes).CopyTo(bytes[6..]);
        pool.AsSpan(_used, RandomBytes).Clear(); // a drawn byte is never kept in memory after use
        _used += RandomBytes;
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70); // version 7
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // the RFC's variant
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>A new key for now.</summary>
    public static Guid New() => New(DateTimeOffset.UtcNow);
}
