namespace Leadgate.Handover;

/// <summary>
/// The organisation's working week: which days, from when to when, in which time zone. The response clock only runs
/// inside it, so an MQL that arrives on Friday at 16:00 with 4 working hours is due on Monday at 12:00.
/// </summary>
public sealed record WorkingWeek(IReadOnlySet<DayOfWeek> Days, TimeOnly Start, TimeOnly End, TimeZoneInfo Zone)
{
    /// <summary>The moment <paramref name="amount"/> of working time after <paramref name="from"/>.</summary>
    public DateTimeOffset Add(DateTimeOffset from, TimeSpan amount)
    {
        if (Days.Count == 0 || End <= Start)
        {
            throw new InvalidOperationException("A working week needs at least one day and a day that ends after it starts.");
        }

        var local = TimeZoneInfo.ConvertTime(from, Zone).DateTime;
        var remaining = amount;
        var day = local.Date;
        // Ten years of days is far more than any response time; the bound only keeps a bad setting from looping forever.
        for (var i = 0; i < 3_660; i++, day = day.AddDays(1))
        {
            if (!Days.Contains(day.DayOfWeek))
            {
                continue;
            }

            var opens = day + Start.ToTimeSpan();
            var closes = day + End.ToTimeSpan();
            var cursor = local > opens ? local : opens;
            if (cursor >= closes)
            {
                continue;
            }

            var open = closes - cursor;
            if (remaining <= open)
            {
                return ToInstant(cursor + remaining);
            }

            remaining -= open;
        }

        throw new InvalidOperationException("The response time does not fit in ten years of working days.");
    }

    /// <summary>Working time between two moments (how long a clock really ran).</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from || Days.Count == 0 || End <= Start)
        {
            return TimeSpan.Zero;
        }

        var start = TimeZoneInfo.ConvertTime(from, Zone).DateTime;
        var stop = TimeZoneInfo.ConvertTime(to, Zone).DateTime;
        var total = TimeSpan.Zero;
        for (var day = start.Date; day <= stop.Date; day = day.AddDays(1))
        {
            if (!Days.Contains(day.DayOfWeek))
            {
                continue;
            }

            var opens = day + Start.ToTimeSpan();
            var closes = day + End.ToTimeSpan();
            var a = start > opens ? start : opens;
            var b = stop < closes ? stop : closes;
            if (b > a)
            {
                total += b - a;
            }
        }

        return total;
    }

    private DateTimeOffset ToInstant(DateTime local)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A wall time skipped by a clock change (the hour that does not exist) is read as the hour after it.
        if (Zone.IsInvalidTime(unspecified))
        {
            unspecified = unspecified.AddHours(1);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(unspecified, Zone), TimeSpan.Zero);
    }
}
