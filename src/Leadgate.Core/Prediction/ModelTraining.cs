using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace Leadgate.Prediction;

/// <summary>What a fit chose and why: the inner cross-validated AUC of each candidate.</summary>
public sealed record FitReport(ModelKind Chosen, double LogisticAuc, double TreesAuc);

/// <summary>A trained model and how its choice was made.</summary>
public sealed record FittedModel(LikelihoodModel Model, FitReport Report);

/// <summary>The cross-validated measurement of the whole training procedure, and of a plain logistic regression beside it.</summary>
public sealed record CrossValidation(ModelQuality Quality, IReadOnlyList<FitReport> Folds, IReadOnlyList<double> Probabilities);

/// <summary>
/// Training, one procedure for the product and the benchmark. <see cref="Fit"/> measures two candidates — logistic regression
/// and gradient-boosted trees (ML.NET FastTree) — by an inner stratified cross-validation on the rows it is given, keeps the
/// better by AUC, fits Platt scaling on that candidate's out-of-fold scores (so calibration never sees its own training
/// rows' fitted scores; isotonic calibration can answer exact 0 or 1 on this kind of data), and trains it on all the rows.
/// <see cref="CrossValidate"/> runs <see cref="Fit"/> inside each outer fold, so nothing in a measured figure saw the
/// fold it is measured on. The hyper-parameters are fixed, common defaults, never tuned on a data set.
/// </summary>
public static class ModelTraining
{
    public const int InnerFolds = 3;

    /// <summary>A plain logistic regression (no calibration step) on the same features: the baseline of the benchmark.</summary>
    public static LikelihoodModel FitPlainLogistic(FeatureSchema schema, IReadOnlyList<Example> examples, int seed)
    {
        var encoder = FeatureEncoder.Build(schema, examples);
        var slots = examples.Select(encoder.Encode).ToList();
        return TrainLogistic(encoder, slots, examples, seed);
    }

    public static FittedModel Fit(FeatureSchema schema, IReadOnlyList<Example> examples, int seed)
    {
        var encoder = FeatureEncoder.Build(schema, examples);
        var slots = examples.Select(encoder.Encode).ToList();
        var outcomes = examples.Select(e => e.Converted).ToList();
        var folds = StratifiedFolds(outcomes, InnerFolds, seed);
        var logisticScores = new double[examples.Count];
        var treeScores = new double[examples.Count];
        for (var fold = 0; fold < InnerFolds; fold++)
        {
            var train = Enumerable.Range(0, examples.Count).Where(i => folds[i] != fold).ToList();
            var test = Enumerable.Range(0, examples.Count).Where(i => folds[i] == fold).ToList();
            var trainSlots = train.Select(i => slots[i]).ToList();
            var trainExamples = train.Select(i => examples[i]).ToList();
            var logistic = TrainLogistic(encoder, trainSlots, trainExamples, seed);
            var trees = TrainTrees(encoder, trainSlots, trainExamples, seed);
            foreach (var i in test)
            {
                logisticScores[i] = logistic.RawScore(slots[i]);
                treeScores[i] = trees.RawScore(slots[i]);
            }
        }

        var logisticAuc = ModelQuality.AreaUnderCurve(logisticScores, outcomes);
        var treesAuc = ModelQuality.AreaUnderCurve(treeScores, outcomes);
        var kind = treesAuc > logisticAuc ? ModelKind.GradientBoostedTrees : ModelKind.LogisticRegression;
        var (a, b) = Platt(kind == ModelKind.GradientBoostedTrees ? treeScores : logisticScores, outcomes);
        var model = kind == ModelKind.GradientBoostedTrees ? TrainTrees(encoder, slots, examples, seed) : TrainLogistic(encoder, slots, examples, seed);
        var calibrated = new LikelihoodModel
        {
            Kind = model.Kind,
            Encoder = encoder,
            Weights = model.Weights,
            SlotMeans = model.SlotMeans,
            Bias = model.Bias,
            Trees = model.Trees,
            PlattA = a,
            PlattB = b,
        };
        return new FittedModel(calibrated, new FitReport(kind, logisticAuc, treesAuc));
    }

    /// <summary>Stratified k-fold cross-validation of <see cref="Fit"/> with a fixed seed; every row is scored once, by a model that never saw it.</summary>
    public static CrossValidation CrossValidate(FeatureSchema schema, IReadOnlyList<Example> examples, int folds, int seed, IProgress<int>? progress = null) =>
        CrossValidateWith(examples, folds, seed, progress, train => Fit(schema, train, seed) is var fitted ? (fitted.Model, fitted.Report) : default);

    /// <summary>The same folds for the plain logistic regression.</summary>
    public static CrossValidation CrossValidatePlainLogistic(FeatureSchema schema, IReadOnlyList<Example> examples, int folds, int seed) =>
        CrossValidateWith(examples, folds, seed, null, train => (FitPlainLogistic(schema, train, seed), null));

    private static CrossValidation CrossValidateWith(IReadOnlyList<Example> examples, int folds, int seed, IProgress<int>? progress, Func<List<Example>, (LikelihoodModel Model, FitReport? Report)> fit)
    {
        var outcomes = examples.Select(e => e.Converted).ToList();
        var assignment = StratifiedFolds(outcomes, folds, seed);
        var probabilities = new double[examples.Count];
        var reports = new List<FitReport>();
        for (var fold = 0; fold < folds; fold++)
        {
            var train = Enumerable.Range(0, examples.Count).Where(i => assignment[i] != fold).Select(i => examples[i]).ToList();
            var (model, report) = fit(train);
            if (report is not null)
            {
                reports.Add(report);
            }

            for (var i = 0; i < examples.Count; i++)
            {
                if (assignment[i] == fold)
                {
                    probabilities[i] = model.Probability(examples[i]);
                }
            }

            progress?.Report(fold + 1);
        }

        return new CrossValidation(ModelQuality.Measure(probabilities, outcomes), reports, probabilities);
    }

    /// <summary>Fold of each row: each outcome's rows shuffled with the seed and dealt round the folds, so every fold has the same share of conversions.</summary>
    public static int[] StratifiedFolds(IReadOnlyList<bool> outcomes, int folds, int seed)
    {
        var random = new Random(seed);
        var assignment = new int[outcomes.Count];
        foreach (var outcome in new[] { true, false })
        {
            var rows = Enumerable.Range(0, outcomes.Count).Where(i => outcomes[i] == outcome).ToArray();
            random.Shuffle(rows);
            for (var k = 0; k < rows.Length; k++)
            {
                assignment[rows[k]] = k % folds;
            }
        }

        return assignment;
    }

    /// <summary>
    /// Platt scaling: the a and b of σ(a·score + b) that maximise the likelihood of the outcomes (with Platt's smoothed
    /// targets), by Newton's method with a backtracking line search (Lin, Lin and Weng, 2007), so it always converges.
    /// </summary>
    public static (double A, double B) Platt(IReadOnlyList<double> scores, IReadOnlyList<bool> outcomes)
    {
        var positives = outcomes.Count(o => o);
        var negatives = outcomes.Count - positives;
        var high = (positives + 1.0) / (positives + 2.0);
        var low = 1.0 / (negatives + 2.0);
        var targets = outcomes.Select(o => o ? high : low).ToArray();
        double Loss(double a, double b)
        {
            var loss = 0.0;
            for (var i = 0; i < scores.Count; i++)
            {
                var z = a * scores[i] + b;
                // -[t·log σ(z) + (1 − t)·log(1 − σ(z))], written to stay finite for large |z|.
                loss += z >= 0 ? targets[i] * Math.Log(1 + Math.Exp(-z)) + (1 - targets[i]) * (z + Math.Log(1 + Math.Exp(-z)))
                    : targets[i] * (-z + Math.Log(1 + Math.Exp(z))) + (1 - targets[i]) * Math.Log(1 + Math.Exp(z));
            }

            return loss;
        }

        double a = 1, b = Math.Log((positives + 1.0) / (negatives + 1.0));
        var current = Loss(a, b);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
            for (var i = 0; i < scores.Count; i++)
            {
                var p = LikelihoodModel.Sigmoid(a * scores[i] + b);
                var d = p - targets[i];
                var w = p * (1 - p);
                ga += d * scores[i];
                gb += d;
                haa += w * scores[i] * scores[i];
                hab += w * scores[i];
                hbb += w;
            }

            if (Math.Abs(ga) < 1e-7 && Math.Abs(gb) < 1e-7)
            {
                break;
            }

            var determinant = haa * hbb - hab * hab;
            var da = -(hbb * ga - hab * gb) / determinant;
            var db = -(haa * gb - hab * ga) / determinant;
            var slope = ga * da + gb * db;
            var step = 1.0;
            while (step > 1e-10)
            {
                var next = Loss(a + step * da, b + step * db);
                if (next < current + 1e-4 * step * slope)
                {
                    a += step * da;
                    b += step * db;
                    current = next;
                    break;
                }

                step /= 2;
            }

            if (step <= 1e-10)
            {
                break;
            }
        }

        return (a, b);
    }

    internal sealed class Row
    {
        public float[] Features { get; set; } = [];

        public bool Label { get; set; }
    }

    internal static IDataView Load(MLContext ml, FeatureEncoder encoder, IReadOnlyList<float[]> slots, IReadOnlyList<Example> examples)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, encoder.SlotCount);
        return ml.Data.LoadFromEnumerable(slots.Select((s, i) => new Row { Features = s, Label = examples[i].Converted }), definition);
    }

    internal static LikelihoodModel TrainLogistic(FeatureEncoder encoder, IReadOnlyList<float[]> slots, IReadOnlyList<Example> examples, int seed)
    {
        var ml = new MLContext(seed);
        var trainer = ml.BinaryClassification.Trainers.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
        {
            L2Regularization = 1f,
            L1Regularization = 0f,
            NumberOfThreads = 1,
        });
        var linear = trainer.Fit(Load(ml, encoder, slots, examples)).Model.SubModel;
        var means = new double[encoder.SlotCount];
        foreach (var row in slots)
        {
            for (var i = 0; i < means.Length; i++)
            {
                means[i] += row[i];
            }
        }

        return new LikelihoodModel
        {
            Kind = ModelKind.LogisticRegression,
            Encoder = encoder,
            Weights = [.. linear.Weights.Select(w => (double)w)],
            SlotMeans = [.. means.Select(m => m / Math.Max(1, slots.Count))],
            Bias = linear.Bias,
        };
    }

    internal static LikelihoodModel TrainTrees(FeatureEncoder encoder, IReadOnlyList<float[]> slots, IReadOnlyList<Example> examples, int seed)
    {
        var ml = new MLContext(seed);
        var trainer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
        {
            NumberOfTrees = 200,
            NumberOfLeaves = 16,
            MinimumExampleCountPerLeaf = 20,
            LearningRate = 0.05,
            Seed = seed,
            NumberOfThreads = 1,
        });
        return FromEnsemble(encoder, trainer.Fit(Load(ml, encoder, slots, examples)).Model.SubModel.TrainedTreeEnsemble, slots);
    }

    /// <summary>An ML.NET tree ensemble as a model that scores on its own; the slots are the rows it was trained on.</summary>
    internal static LikelihoodModel FromEnsemble(FeatureEncoder encoder, RegressionTreeEnsemble ensemble, IReadOnlyList<float[]> slots)
    {
        var trees = ensemble.Trees.Select((tree, t) => Convert(tree, ensemble.TreeWeights[t], slots)).ToArray();
        return new LikelihoodModel { Kind = ModelKind.GradientBoostedTrees, Encoder = encoder, Bias = ensemble.Bias, Trees = trees };
    }

    /// <summary>Copies an ML.NET tree and computes each node's mean output over the training rows that pass through it.</summary>
    private static DecisionTree Convert(RegressionTree tree, double weight, IReadOnlyList<float[]> slots)
    {
        if (tree.CategoricalSplitFlags.Any(c => c))
        {
            throw new InvalidOperationException("Categorical splits are not used: categories are one-hot slots.");
        }

        var shell = new DecisionTree([.. tree.LeftChild], [.. tree.RightChild], [.. tree.NumericalSplitFeatureIndexes], [.. tree.NumericalSplitThresholds], [.. tree.LeafValues], [], weight);
        var leafCounts = new long[tree.NumberOfLeaves];
        foreach (var row in slots)
        {
            leafCounts[shell.LeafOf(row)]++;
        }

        var means = new double[shell.Left.Length];
        (double Sum, long Count) Walk(int node)
        {
            if (node < 0)
            {
                var leaf = ~node;
                return (shell.Leaves[leaf] * leafCounts[leaf], leafCounts[leaf]);
            }

            var left = Walk(shell.Left[node]);
            var right = Walk(shell.Right[node]);
            var sum = left.Sum + right.Sum;
            var count = left.Count + right.Count;
            means[node] = count > 0 ? sum / count : 0;
            return (sum, count);
        }

        if (shell.Left.Length > 0)
        {
            Walk(0);
        }

        return shell with { NodeMeans = means };
    }
}
