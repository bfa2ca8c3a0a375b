using System.Text.Json;
using System.Text.Json.Serialization;

namespace Leadgate.Prediction;

/// <summary>Which kind of model a version is: chosen per organisation by cross-validated measurement.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModelKind>))]
public enum ModelKind
{
    LogisticRegression,
    GradientBoostedTrees,
}

/// <summary>One regression tree of a boosted ensemble, with the mean output of every node over the rows it was trained on.</summary>
public sealed record DecisionTree(int[] Left, int[] Right, int[] Slot, float[] Threshold, double[] Leaves, double[] NodeMeans, double Weight)
{
    /// <summary>Leaves are written as ~index in <see cref="Left"/> and <see cref="Right"/>, as ML.NET writes them.</summary>
    public int LeafOf(float[] slots)
    {
        if (Left.Length == 0)
        {
            return 0;
        }

        var node = 0;
        while (node >= 0)
        {
            node = slots[Slot[node]] <= Threshold[node] ? Left[node] : Right[node];
        }

        return ~node;
    }

    /// <summary>
    /// Saabas' attribution: every split on the lead's path moves the expected output from the node's mean to the child's;
    /// that move is the split feature's. Along the path they sum to the leaf's value minus the root's mean, exactly.
    /// </summary>
    public void Attribute(float[] slots, double[] contributions)
    {
        var node = 0;
        if (Left.Length == 0)
        {
            return;
        }

        while (node >= 0)
        {
            var child = slots[Slot[node]] <= Threshold[node] ? Left[node] : Right[node];
            var childMean = child >= 0 ? NodeMeans[child] : Leaves[~child];
            contributions[Slot[node]] += Weight * (childMean - NodeMeans[node]);
            node = child;
        }
    }

    public double RootMean => Left.Length == 0 ? Leaves[0] : NodeMeans[0];
}

/// <summary>A lead's likelihood: the calibrated probability, the baseline and each field's share in log-odds.</summary>
public sealed record Likelihood(double Probability, double Baseline, IReadOnlyList<FieldContribution> Contributions)
{
    /// <summary>The log-odds of <see cref="Probability"/>: the baseline plus every contribution.</summary>
    public double LogOdds => Baseline + Contributions.Sum(c => c.Contribution);
}

/// <summary>One field's part in a likelihood: the lead's value of it and how much it moved the log-odds (positive: more likely).</summary>
public sealed record FieldContribution(string Factor, string Value, double Contribution);

/// <summary>
/// A trained, calibrated model that scores without ML.NET: the encoder, a linear model or a tree ensemble giving a raw
/// score, and Platt scaling (probability = σ(a·score + b)) fitted on scores of rows the model had not seen. Stored as JSON.
/// </summary>
public sealed class LikelihoodModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public required ModelKind Kind { get; init; }

    public required FeatureEncoder Encoder { get; init; }

    /// <summary>Logistic regression: the weight of each slot; the baseline centres them on the training mean of each slot.</summary>
    public double[] Weights { get; init; } = [];

    public double[] SlotMeans { get; init; } = [];

    public double Bias { get; init; }

    public DecisionTree[] Trees { get; init; } = [];

    public double PlattA { get; init; } = 1;

    public double PlattB { get; init; }

    public double RawScore(float[] slots)
    {
        var score = Bias;
        switch (Kind)
        {
            case ModelKind.LogisticRegression:
                for (var i = 0; i < Weights.Length; i++)
                {
                    score += Weights[i] * slots[i];
                }

                break;
            case ModelKind.GradientBoostedTrees:
                foreach (var tree in Trees)
                {
                    score += tree.Weight * tree.Leaves[tree.LeafOf(slots)];
                }

                break;
        }

        return score;
    }

    public double Probability(Example example) => Sigmoid(PlattA * RawScore(Encoder.Encode(example)) + PlattB);

    /// <summary>The probability with every field's contribution; they add up with the baseline to its log-odds.</summary>
    public Likelihood Explain(Example example)
    {
        var slots = Encoder.Encode(example);
        var perSlot = new double[slots.Length];
        double baseline;
        switch (Kind)
        {
            case ModelKind.LogisticRegression:
                baseline = Bias;
                for (var i = 0; i < Weights.Length; i++)
                {
                    baseline += Weights[i] * SlotMeans[i];
                    perSlot[i] = Weights[i] * (slots[i] - SlotMeans[i]);
                }

                break;
            case ModelKind.GradientBoostedTrees:
                baseline = Bias;
                foreach (var tree in Trees)
                {
                    baseline += tree.Weight * tree.RootMean;
                    tree.Attribute(slots, perSlot);
                }

                break;
            default:
                throw new InvalidOperationException($"Unknown model kind {Kind}.");
        }

        var perField = new double[Encoder.Schema.FieldCount];
        for (var i = 0; i < perSlot.Length; i++)
        {
            perField[Encoder.SlotField[i]] += perSlot[i];
        }

        var contributions = perField
            .Select((c, field) => new FieldContribution(Encoder.Schema.FieldName(field), Encoder.Describe(example, field), PlattA * c))
            .OrderByDescending(c => Math.Abs(c.Contribution))
            .ToList();
        var calibratedBaseline = PlattA * baseline + PlattB;
        var probability = Sigmoid(calibratedBaseline + contributions.Sum(c => c.Contribution));
        return new Likelihood(probability, calibratedBaseline, contributions);
    }

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    public string Serialize() => JsonSerializer.Serialize(this, Json);

    public static LikelihoodModel Deserialize(string json) =>
        JsonSerializer.Deserialize<LikelihoodModel>(json, Json) ?? throw new InvalidOperationException("Empty model.");
}
