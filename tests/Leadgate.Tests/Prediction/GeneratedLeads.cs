using Leadgate.Prediction;

namespace Leadgate.Tests.Prediction;

/// <summary>
/// Leads whose true chance of converting is known: log-odds = −1 + the source's effect + 0.8·(visits − 3)/2 + the seniority
/// effect + noise-free, so a well-calibrated model's deciles must match what happened.
/// </summary>
internal static class GeneratedLeads
{
    public static readonly FeatureSchema Schema = new(["Source", "Seniority", "Country"], ["Visits", "Fit"]);

    private static readonly (string Name, double Effect)[] Sources = [("Partner referral", 1.5), ("Webinar", 0.5), ("Paid search", -0.3), ("Cold list", -1.2)];
    private static readonly (string Name, double Effect)[] Seniorities = [("Executive", 0.8), ("Manager", 0.2), ("Staff", -0.4)];
    private static readonly string[] Countries = ["NL", "BE", "DE", "FR"];

    public static List<Example> Make(int count, int seed)
    {
        var random = new Random(seed);
        var examples = new List<Example>(count);
        for (var i = 0; i < count; i++)
        {
            var source = Sources[random.Next(Sources.Length)];
            var seniority = Seniorities[random.Next(Seniorities.Length)];
            var visits = random.Next(0, 10);
            double? fit = random.NextDouble() < 0.2 ? null : random.Next(0, 101);
            var logOdds = -1 + source.Effect + seniority.Effect + 0.4 * (visits - 3) + (fit is { } f ? (f - 50) / 50 : 0);
            var converted = random.NextDouble() < 1 / (1 + Math.Exp(-logOdds));
            examples.Add(new Example([source.Name, seniority.Name, Countries[random.Next(Countries.Length)]], [visits, fit], converted));
        }

        return examples;
    }
}
