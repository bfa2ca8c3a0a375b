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

/// <summary>The basis a contact's data is held on, as the lead page and the API show it.</summary>
public sealed record RecordedBasis(LawfulBasis Basis, LawfulBasisSource Source, DateTimeOffset At);

/// <summary>A consent the person gave on a web form: the exact text and its version, and when.</summary>
public sealed record ConsentView(Guid Id, Guid FormId, string FormName, string Text, string TextVersion, DateTimeOffset GivenAt);

internal static class LawfulBases
{
    /// <summary>Where a lead created by <paramref name="channel"/> got its basis from.</summary>
    public static LawfulBasisSource SourceOf(Accounts.Channel channel) => channel switch
    {
        Accounts.Channel.Ui => LawfulBasisSource.Hand,
        Accounts.Channel.Api or Accounts.Channel.Background => LawfulBasisSource.Api,
        Accounts.Channel.Cli => LawfulBasisSource.Import,
    };
}
