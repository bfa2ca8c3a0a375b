namespace Leadgate.Privacy;

/// <summary>The GDPR basis (Art. 6) on which an organisation holds a person's data.</summary>
public enum LawfulBasis
{
    Consent,
    LegitimateInterest,
    Contract,
}

/// <summary>Where the basis was recorded from.</summary>
public enum LawfulBasisSource
{
    Form,
    Import,
    Agency,
    Api,
    Hand,
}
