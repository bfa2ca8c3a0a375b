namespace Leadgate.Prediction;

/// <summary>
/// What a model may look at: named categorical fields (source, country, …) and named numeric fields (visits, fit, …),
/// in a fixed order. The names are what a marketer reads in a lead's reasons.
/// </summary>
public sealed record FeatureSchema(IReadOnlyList<string> Categorical, IReadOnlyList<string> Numeric)
{
    public int FieldCount => Categorical.Count + Numeric.Count;

    public string FieldName(int field) => field < Categorical.Count ? Categorical[field] : Numeric[field - Categorical.Count];
}

/// <summary>
/// One lead as a model sees it: a value per categorical field (null when not known), a number per numeric field (null when
/// not known), and, for a closed lead, whether it converted.
/// </summary>
public sealed record Example(IReadOnlyList<string?> Categories, IReadOnlyList<double?> Numbers, bool Converted);
