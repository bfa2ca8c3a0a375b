namespace Leadgate.Demo;

/// <summary>The demo's one source of chance: a fixed seed, so every seed run tells the same stories.</summary>
internal sealed class DemoDice(int seed)
{
    // The demo must be reproducible, not unpredictable.
#pragma warning disable CA5394 // Random is insecure: it is meant to be predictable here.
    private readonly Random _random = new(seed);

    public int Between(int minInclusive, int maxInclusive) => _random.Next(minInclusive, maxInclusive + 1);

    public double Between(double min, double max) => min + (_random.NextDouble() * (max - min));

    public bool Chance(double probability) => _random.NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>One of the items, each as likely as its weight.</summary>
    public T Pick<T>(IReadOnlyList<(T Item, double Weight)> weighted)
    {
        var roll = _random.NextDouble() * weighted.Sum(w => w.Weight);
        foreach (var (item, weight) in weighted)
        {
            roll -= weight;
            if (roll < 0)
            {
                return item;
            }
        }

        return weighted[^1].Item;
    }

    /// <summary>A time of day in office hours (UTC 07:00–16:00, which is 08:00–18:00 in Amsterdam, Brussels, Berlin and London).</summary>
    public TimeSpan OfficeHour() => TimeSpan.FromMinutes(_random.Next(7 * 60, 16 * 60));

    public void Shuffle<T>(T[] items) => _random.Shuffle(items);
#pragma warning restore CA5394
}
