using System.Runtime.InteropServices;

namespace Leadgate.Data;

/// <summary>
/// The few SQLite calls <see cref="BulkInsert"/> makes for every value of every row, straight into the same e_sqlite3
/// library that Microsoft.Data.Sqlite loads, with the statement as a plain pointer. SQLitePCL passes it as a SafeHandle,
/// which takes and releases a reference around each call: for an import that binds some 60 values a row, those two
/// interlocked operations per value were 3% of the process's time (docs/performance.md, P5, eighth pass). The caller holds
/// the statement's SafeHandle for as long as it uses the pointer.
/// </summary>
internal static partial class SqliteNative
{
    private const string Library = "e_sqlite3";

    /// <summary>SQLITE_TRANSIENT: SQLite copies the value before the call returns, so it may live on the stack.</summary>
    private static readonly nint Transient = -1;

    public static int BindNull(nint statement, int index) => sqlite3_bind_null(statement, index);

    public static int BindInt64(nint statement, int index, long value) => sqlite3_bind_int64(statement, index, value);

    public static int BindDouble(nint statement, int index, double value) => sqlite3_bind_double(statement, index, value);

    /// <summary>Text as UTF-16, which SQLite converts to the database's UTF-8 itself: no managed copy of the value.</summary>
    public static int BindText(nint statement, int index, string text) => sqlite3_bind_text16(statement, index, text, text.Length * sizeof(char), Transient);

    public static int BindBlob(nint statement, int index, ReadOnlySpan<byte> bytes) =>
        sqlite3_bind_blob(statement, index, ref MemoryMarshal.GetReference(bytes), bytes.Length, Transient);

    public static int Step(nint statement) => sqlite3_step(statement);

    public static int Reset(nint statement) => sqlite3_reset(statement);

    [LibraryImport(Library)]
    private static partial int sqlite3_bind_null(nint statement, int index);

    [LibraryImport(Library)]
    private static partial int sqlite3_bind_int64(nint statement, int index, long value);

    [LibraryImport(Library)]
    private static partial int sqlite3_bind_double(nint statement, int index, double value);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf16)]
    private static partial int sqlite3_bind_text16(nint statement, int index, string text, int bytes, nint destructor);

    [LibraryImport(Library)]
    private static partial int sqlite3_bind_blob(nint statement, int index, ref byte bytes, int length, nint destructor);

    [LibraryImport(Library)]
    private static partial int sqlite3_step(nint statement);

    [LibraryImport(Library)]
    private static partial int sqlite3_reset(nint statement);
}
