namespace Leadgate.Web.Cli;

/// <summary>
/// Byte-level mutations of an input from the pool, one to eight at a time: flipped bits, random and boundary bytes,
/// the target's tokens, deleted, repeated and swapped ranges, whole lines repeated, very long runs, and splices with
/// another input. The result never exceeds the target's size limit.
/// </summary>
internal static class FuzzMutator
{
    private static readonly byte[] Boundaries = [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 0x22, 0x27, 0x2C, 0x3B, 0x5C, 0x7F, 0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xFE, 0xFF];

    public static byte[] Mutate(Random random, IReadOnlyList<byte[]> pool, FuzzTarget target)
    {
        var data = new List<byte>(pool[random.Next(pool.Count)]);
        var count = 1 << random.Next(4);
        for (var i = 0; i < count; i++)
        {
            MutateOnce(random, data, pool, target);
            if (data.Count > target.MaxInputBytes)
            {
                data.RemoveRange(target.MaxInputBytes, data.Count - target.MaxInputBytes);
            }
        }

        return [.. data];
    }

    private static void MutateOnce(Random random, List<byte> data, IReadOnlyList<byte[]> pool, FuzzTarget target)
    {
        var at = random.Next(data.Count + 1);
        switch (random.Next(11))
        {
            case 0 when data.Count > 0:
                data[Math.Min(at, data.Count - 1)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                data.Insert(at, (byte)random.Next(256));
                break;
            case 2:
                data.Insert(at, Boundaries[random.Next(Boundaries.Length)]);
                break;
            case 3:
            case 4:
                data.InsertRange(at, target.Tokens[random.Next(target.Tokens.Count)]);
                break;
            case 5 when data.Count > 0:
                data.RemoveRange(Math.Min(at, data.Count - 1), Math.Min(random.Next(1, 64), data.Count - Math.Min(at, data.Count - 1)));
                break;
            case 6 when data.Count > 0:
            {
                var start = Math.Min(at, data.Count - 1);
                var range = data.GetRange(start, Math.Min(random.Next(1, 256), data.Count - start));
                for (var copies = random.Next(1, 8); copies > 0; copies--)
                {
                    data.InsertRange(random.Next(data.Count + 1), range);
                }

                break;
            }

            case 7 when data.Count > 0:
            {
                // A whole line (a CSV row, a JSON line) repeated: many rows, duplicate people.
                var start = data.LastIndexOf((byte)'\n', Math.Max(0, Math.Min(at, data.Count - 1))) + 1;
                var end = data.IndexOf((byte)'\n', Math.Min(start, data.Count));
                var line = data.GetRange(start, (end < 0 ? data.Count : end + 1) - start);
                for (var copies = random.Next(1, 50); copies > 0 && line.Count > 0; copies--)
                {
                    data.InsertRange(start, line);
                }

                break;
            }

            case 8:
            {
                // A long run: past the field-length limits, or just long.
                var length = random.Next(3) == 0 ? random.Next(90_000, 110_000) : random.Next(100, 5_000);
                data.InsertRange(at, Enumerable.Repeat(random.Next(2) == 0 ? (byte)'a' : Boundaries[random.Next(Boundaries.Length)], Math.Min(length, target.MaxInputBytes)));
                break;
            }

            case 9:
            {
                // A splice: the start of this input with the end of another.
                var other = pool[random.Next(pool.Count)];
                var from = random.Next(other.Length + 1);
                data.RemoveRange(at, data.Count - at);
                data.AddRange(other.AsSpan(from).ToArray());
                break;
            }

            default:
                if (data.Count > 1)
                {
                    var a = random.Next(data.Count);
                    var b = random.Next(data.Count);
                    (data[a], data[b]) = (data[b], data[a]);
                }

                break;
        }
    }
}
