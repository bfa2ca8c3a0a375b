using Leadgate.Common;
using Leadgate.Data;

namespace Leadgate.Tests.Domain;

public sealed class IdsTests
{
    [Fact]
    public void ANewKey_IsVersion7_WithTheRfcVariant_AndTheTimesMillisecondsFirst_AsDotNetMakesThem()
    {
        var at = new DateTimeOffset(2026, 11, 23, 5, 30, 1, 234, TimeSpan.Zero);
        var key = Ids.New(at);
        Assert.Equal(7, key.Version);
        Assert.Equal(0b10, key.Variant >> 2);
        Assert.Equal(SqliteGuids.ToBytes(Guid.CreateVersion7(at))[..6], SqliteGuids.ToBytes(key)[..6]);
    }

    [Fact]
    public void Keys_SortByTheirTime_InTheOrderTheDatabaseKeepsThem_AndAHundredThousandAreAllDifferent()
    {
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var keys = Enumerable.Range(0, 100_000).Select(i => Ids.New(start.AddMilliseconds(i / 10))).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());

        // Keys of different milliseconds, in the byte order SQLite compares them (and their text's order).
        var everyTenth = keys.Where((_, i) => i % 10 == 0).Select(SqliteGuids.ToBytes).ToList();
        Assert.Equal(everyTenth, everyTenth.Order(Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))));
    }

    [Fact]
    public void AKeyForATimeBefore1970_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Ids.New(new DateTimeOffset(1969, 12, 31, 23, 59, 59, TimeSpan.Zero)));
}
