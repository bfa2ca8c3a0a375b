using Leadgate.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Leadgate.Tests.Prediction;

public sealed class ModelTrainingTests
{
    [Fact]
    public void CrossValidated_EveryDecileOfHeldOutLeads_IsWithinFivePointsOfWhatHappened()
    {
        var examples = GeneratedLeads.Make(4_000, seed: 7);

        var measured = ModelTraining.CrossValidate(GeneratedLeads.Schema, examples, folds: 5, seed: 42);

        Assert.Equal(10, measured.Quality.Calibration.Count);
        Assert.All(measured.Quality.Calibration, bin =>
            Assert.True(Math.Abs(bin.MeanPredicted - bin.ObservedRate) <= 0.05, $"decile predicted {bin.MeanPredicted:0.000}, observed {bin.ObservedRate:0.000}"));
        Assert.InRange(measured.Quality.Auc, 0.75, 1);
        Assert.All(measured.Probabilities, p => Assert.InRange(p, 0.001, 0.999));
    }

    [Theory]
    [InlineData(ModelKind.LogisticRegression)]
    [InlineData(ModelKind.GradientBoostedTrees)]
    public void Reasons_AddUpWithTheBaseline_ToTheProbabilitysLogOdds(ModelKind kind)
    {
        var examples = GeneratedLeads.Make(1_500, seed: 3);
        var encoder = FeatureEncoder.Build(GeneratedLeads.Schema, examples);
        var slots = examples.Select(encoder.Encode).ToList();
        var raw = kind == ModelKind.LogisticRegression
            ? ModelTraining.TrainLogistic(encoder, slots, examples, 42)
            : ModelTraining.TrainTrees(encoder, slots, examples, 42);
        var model = new LikelihoodModel
        {
            Kind = raw.Kind, Encoder = encoder, Weights = raw.Weights, SlotMeans = raw.SlotMeans, Bias = raw.Bias, Trees = raw.Trees,
            PlattA = 0.8, PlattB = -0.1,
        };

        foreach (var example in examples.Take(50))
        {
            var likelihood = model.Explain(example);
            // The model's link: log-odds = a·score + b (the score from the trees or weights alone, without any attribution).
            var logOdds = model.PlattA * model.RawScore(encoder.Encode(example)) + model.PlattB;
            Assert.Equal(logOdds, likelihood.Baseline + likelihood.Contributions.Sum(c => c.Contribution), 6);
            Assert.Equal(LikelihoodModel.Sigmoid(logOdds), likelihood.Probability, 9);
            Assert.Equal(model.Probability(example), likelihood.Probability, 12);
            Assert.Equal(["Country", "Fit", "Seniority", "Source", "Visits"], likelihood.Contributions.Select(c => c.Factor).Order(StringComparer.Ordinal));
            Assert.Contains(likelihood.Contributions, c => c.Factor == "Source" && c.Value == example.Categories[0]);
        }
    }

    [Fact]
    public void Reasons_PointTheWayTheTruthDoes()
    {
        var examples = GeneratedLeads.Make(3_000, seed: 11);
        var model = ModelTraining.Fit(GeneratedLeads.Schema, examples, 42).Model;

        var partner = model.Explain(new Example(["Partner referral", "Manager", "NL"], [3, 50], false));
        var cold = model.Explain(new Example(["Cold list", "Manager", "NL"], [3, 50], false));

        Assert.True(partner.Contributions.Single(c => c.Factor == "Source").Contribution > 0);
        Assert.True(cold.Contributions.Single(c => c.Factor == "Source").Contribution < 0);
        Assert.True(partner.Probability > cold.Probability);
        // The country has no effect in the truth: its part is small beside the source's.
        Assert.True(Math.Abs(partner.Contributions.Single(c => c.Factor == "Country").Contribution) < 0.3);
    }

    [Fact]
    public void TreesScoredByLeadgate_GiveMlNetsOwnRawScore()
    {
        var examples = GeneratedLeads.Make(1_000, seed: 5);
        var encoder = FeatureEncoder.Build(GeneratedLeads.Schema, examples);
        var slots = examples.Select(encoder.Encode).ToList();
        var ml = new MLContext(1);
        var data = ModelTraining.Load(ml, encoder, slots, examples);
        var transformer = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { NumberOfTrees = 30, NumberOfLeaves = 8, NumberOfThreads = 1 }).Fit(data);
        var ours = ModelTraining.FromEnsemble(encoder, transformer.Model.SubModel.TrainedTreeEnsemble, slots);

        var scores = transformer.Transform(data).GetColumn<float>("Score").ToList();

        Assert.Equal(examples.Count, scores.Count);
        for (var i = 0; i < scores.Count; i++)
        {
            Assert.Equal(scores[i], ours.RawScore(slots[i]), 3);
        }
    }

    [Fact]
    public void AStoredModel_ScoresAsTheTrainedOne()
    {
        var examples = GeneratedLeads.Make(800, seed: 9);
        var model = ModelTraining.Fit(GeneratedLeads.Schema, examples, 42).Model;

        var stored = LikelihoodModel.Deserialize(model.Serialize());

        Assert.Equal(model.Kind, stored.Kind);
        foreach (var example in examples.Take(20).Append(new Example(["A source never seen", null, null], [null, null], false)))
        {
            Assert.Equal(model.Probability(example), stored.Probability(example), 12);
        }
    }

    [Fact]
    public void AValueSeenTooRarely_CountsAsOther_AndAMissingOneAsNotKnown()
    {
        var examples = GeneratedLeads.Make(200, seed: 1)
            .Append(new Example(["Trade fair", "Manager", "NL"], [1, 10], true)).ToList();
        var encoder = FeatureEncoder.Build(GeneratedLeads.Schema, examples);

        Assert.DoesNotContain("Trade fair", encoder.Values[0]);
        Assert.Contains("Partner referral", encoder.Values[0]);
        var other = encoder.Encode(new Example(["Trade fair", "Manager", "NL"], [1, 10], false));
        var unknown = encoder.Encode(new Example([null, "Manager", "NL"], [1, 10], false));
        Assert.Equal(1, other[encoder.Values[0].Count]);
        Assert.Equal(1, unknown[encoder.Values[0].Count + 1]);
        Assert.Equal(FeatureEncoder.Unknown, encoder.Describe(new Example([null, null, null], [null, null], false), 0));
    }

    [Fact]
    public void Platt_RecoversAKnownScaleAndShift()
    {
        var random = new Random(2);
        var scores = Enumerable.Range(0, 20_000).Select(_ => random.NextDouble() * 8 - 4).ToList();
        var outcomes = scores.Select(s => random.NextDouble() < LikelihoodModel.Sigmoid(2 * s - 0.5)).ToList();

        var (a, b) = ModelTraining.Platt(scores, outcomes);

        Assert.Equal(2, a, 0.15);
        Assert.Equal(-0.5, b, 0.15);
    }

    [Fact]
    public void FoldsAreStratified_AndFixedByTheSeed()
    {
        var outcomes = Enumerable.Range(0, 1_000).Select(i => i % 4 == 0).ToList();

        var folds = ModelTraining.StratifiedFolds(outcomes, 5, 42);

        Assert.Equal(folds, ModelTraining.StratifiedFolds(outcomes, 5, 42));
        Assert.NotEqual(folds, ModelTraining.StratifiedFolds(outcomes, 5, 43));
        for (var fold = 0; fold < 5; fold++)
        {
            Assert.Equal(50, Enumerable.Range(0, 1_000).Count(i => folds[i] == fold && outcomes[i]));
            Assert.Equal(150, Enumerable.Range(0, 1_000).Count(i => folds[i] == fold && !outcomes[i]));
        }
    }
}
