using System.Globalization;
using System.Text.Json.Serialization;

namespace Leadgate.Prediction;

/// <summary>
/// Turns an <see cref="Example"/> into the numbers a trainer reads. A categorical field becomes one slot per value seen at
/// least <see cref="MinimumCount"/> times, plus one for any other value and one for not known; a numeric field becomes
/// its value (log(1 + x) when the field is never negative, then standardised; not known becomes the mean) and, when some
/// examples lacked it, a slot saying it was not known. Built from the features alone, never from the outcomes, so it
/// may see every example a model is trained on without leaking an answer.
/// </summary>
public sealed class FeatureEncoder
{
    public const int MinimumCount = 10;
    public const string Other = "(other)";
    public const string Unknown = "(not known)";

    public required FeatureSchema Schema { get; init; }

    /// <summary>Per categorical field, its values with a slot of their own.</summary>
    public required IReadOnlyList<IReadOnlyList<string>> Values { get; init; }

    /// <summary>Per numeric field: whether it is log-transformed, its mean and spread after that, and whether it has a missing slot.</summary>
    public required IReadOnlyList<NumericScale> Scales { get; init; }

    /// <summary>For each slot, the field it belongs to.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> SlotField => _slotField ??= Layout().Field;

    [JsonIgnore]
    public int SlotCount => SlotField.Count;

    private int[]? _slotField;
    private int[]? _firstSlot;
    private Dictionary<string, int>[]? _lookup;

    public static FeatureEncoder Build(FeatureSchema schema, IReadOnlyList<Example> examples)
    {
        var values = new List<IReadOnlyList<string>>();
        for (var field = 0; field < schema.Categorical.Count; field++)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var example in examples)
            {
                if (Normalise(example.Categories[field]) is { } value)
                {
                    counts[value] = counts.GetValueOrDefault(value) + 1;
                }
            }

            values.Add([.. counts.Where(c => c.Value >= MinimumCount).Select(c => c.Key).Order(StringComparer.Ordinal)]);
        }

        var scales = new List<NumericScale>();
        for (var field = 0; field < schema.Numeric.Count; field++)
        {
            var present = examples.Select(e => e.Numbers[field]).Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToList();
            var log = present.Count > 0 && present.All(v => v >= 0);
            var transformed = present.Select(v => log ? Math.Log(1 + v) : v).ToList();
            var mean = transformed.Count > 0 ? transformed.Average() : 0;
            var spread = transformed.Count > 1 ? Math.Sqrt(transformed.Sum(v => (v - mean) * (v - mean)) / (transformed.Count - 1)) : 1;
            scales.Add(new NumericScale(log, mean, spread > 1e-9 ? spread : 1, present.Count < examples.Count));
        }

        return new FeatureEncoder { Schema = schema, Values = values, Scales = scales };
    }

    public float[] Encode(Example example)
    {
        var (_, first) = Layout();
        var lookup = Lookups();
        var slots = new float[SlotCount];
        for (var field = 0; field < Schema.Categorical.Count; field++)
        {
            var values = Values[field];
            var value = Normalise(example.Categories[field]);
            var index = value is null ? values.Count + 1 : lookup[field].TryGetValue(value, out var known) ? known : values.Count;
            slots[first[field] + index] = 1;
        }

        for (var numeric = 0; numeric < Schema.Numeric.Count; numeric++)
        {
            var field = Schema.Categorical.Count + numeric;
            var scale = Scales[numeric];
            var value = example.Numbers[numeric];
            var known = value is { } x && double.IsFinite(x);
            slots[first[field]] = known ? (float)scale.Standardise(value!.Value) : 0;
            if (scale.HasMissingSlot)
            {
                slots[first[field] + 1] = known ? 0 : 1;
            }
        }

        return slots;
    }

    /// <summary>How a lead's value of a field reads in its reasons.</summary>
    public string Describe(Example example, int field)
    {
        if (field < Schema.Categorical.Count)
        {
            var value = Normalise(example.Categories[field]);
            return value ?? Unknown;
        }

        var number = example.Numbers[field - Schema.Categorical.Count];
        return number is { } x && double.IsFinite(x) ? x.ToString("0.##", CultureInfo.InvariantCulture) : Unknown;
    }

    private static string? Normalise(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private (int[] Field, int[] First) Layout()
    {
        if (_slotField is { } known && _firstSlot is { } first)
        {
            return (known, first);
        }

        var fields = new List<int>();
        var firsts = new int[Schema.FieldCount];
        for (var field = 0; field < Schema.Categorical.Count; field++)
        {
            firsts[field] = fields.Count;
            fields.AddRange(Enumerable.Repeat(field, Values[field].Count + 2));
        }

        for (var numeric = 0; numeric < Schema.Numeric.Count; numeric++)
        {
            var field = Schema.Categorical.Count + numeric;
            firsts[field] = fields.Count;
            fields.AddRange(Enumerable.Repeat(field, Scales[numeric].HasMissingSlot ? 2 : 1));
        }

        _firstSlot = firsts;
        _slotField = [.. fields];
        return (_slotField, _firstSlot);
    }

    private Dictionary<string, int>[] Lookups() =>
        _lookup ??= [.. Values.Select(values => values.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal))];
}

/// <summary>How one numeric field is scaled.</summary>
public sealed record NumericScale(bool Log, double Mean, double Spread, bool HasMissingSlot)
{
    public double Standardise(double value) => ((Log ? Math.Log(1 + Math.Max(0, value)) : value) - Mean) / Spread;
}
