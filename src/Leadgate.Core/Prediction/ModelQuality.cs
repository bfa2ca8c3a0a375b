namespace Leadgate.Prediction;

/// <summary>One tenth of the leads by predicted probability: what was predicted and what happened.</summary>
public sealed record CalibrationBin(int Leads, double MeanPredicted, double ObservedRate);

/// <summary>How well probabilities matched outcomes on leads the model had not seen.</summary>
public sealed record ModelQuality(double Auc, double Brier, double LogLoss, int Leads, int Converted, IReadOnlyList<CalibrationBin> Calibration)
{
    public static ModelQuality Measure(IReadOnlyList<double> probabilities, IReadOnlyList<bool> outcomes)
    {
        var n = probabilities.Count;
        var brier = 0.0;
        var logLoss = 0.0;
        for (var i = 0; i < n; i++)
        {
            var p = Math.Clamp(probabilities[i], 1e-15, 1 - 1e-15);
            var y = outcomes[i] ? 1.0 : 0.0;
            brier += (probabilities[i] - y) * (probabilities[i] - y);
            logLoss -= y * Math.Log(p) + (1 - y) * Math.Log(1 - p);
        }

        return new ModelQuality(AreaUnderCurve(probabilities, outcomes), brier / n, logLoss / n, n, outcomes.Count(o => o), Deciles(probabilities, outcomes));
    }

    /// <summary>The area under the ROC curve: the chance that a converted lead scores above one that did not (ties count half).</summary>
    public static double AreaUnderCurve(IReadOnlyList<double> scores, IReadOnlyList<bool> outcomes)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        long positives = 0;
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            var rank = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++)
            {
                if (outcomes[order[k]])
                {
                    rankSum += rank;
                    positives++;
                }
            }

            i = j + 1;
        }

        long negatives = scores.Count - positives;
        return positives == 0 || negatives == 0 ? 0.5 : (rankSum - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }

    public static IReadOnlyList<CalibrationBin> Deciles(IReadOnlyList<double> probabilities, IReadOnlyList<bool> outcomes)
    {
        var order = Enumerable.Range(0, probabilities.Count).OrderBy(i => probabilities[i]).ToArray();
        var bins = new List<CalibrationBin>();
        for (var d = 0; d < 10; d++)
        {
            var from = order.Length * d / 10;
            var to = order.Length * (d + 1) / 10;
            if (to > from)
            {
                var members = order[from..to];
                bins.Add(new CalibrationBin(members.Length, members.Average(i => probabilities[i]), members.Average(i => outcomes[i] ? 1.0 : 0.0)));
            }
        }

        return bins;
    }
}
