using System.Data.Common;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Leadgate.Data;

/// <summary>
/// How SQLite stores a GUID: 16 bytes, most significant first (the order of its text and of RFC 9562), so a version 7
/// id sorts by its time in every index as its text did, in 16 bytes instead of 36. Every GUID column of the model is
/// stored this way (<see cref="SqliteLeadgateDbContext"/>), and the hand-written SQL binds and reads keys through here.
/// PostgreSQL keeps its own uuid type.
/// </summary>
public static class SqliteGuids
{
    public const int Size = 16;

    public static byte[] ToBytes(Guid id) => id.ToByteArray(bigEndian: true);

    public static Guid FromBytes(ReadOnlySpan<byte> bytes) => new(bytes, bigEndian: true);

    public static void Write(Guid id, Span<byte> destination)
    {
        if (!id.TryWriteBytes(destination, bigEndian: true, out _))
        {
            throw new ArgumentException("A GUID needs 16 bytes.", nameof(destination));
        }
    }

    /// <summary>A stored key (the migration BinaryGuids left no key as text).</summary>
    public static Guid Read(DbDataReader reader, int ordinal) => reader.GetValue(ordinal) is byte[] { Length: Size } bytes
        ? FromBytes(bytes)
        : throw new InvalidCastException($"Column {reader.GetName(ordinal)} does not hold a 16-byte key.");

    /// <summary>As SQLite's <c>unhex()</c> takes it in a JSON list: the 32 hex digits of <see cref="ToBytes"/>.</summary>
    public static string Hex(Guid id) => id.ToString("N");

    /// <summary>The model's conversion of every <see cref="Guid"/> property on SQLite.</summary>
    public sealed class Converter() : ValueConverter<Guid, byte[]>(id => ToBytes(id), bytes => FromBytes(bytes));
}
