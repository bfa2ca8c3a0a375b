using Leadgate.Accounts;
using Leadgate.Leads;
using Leadgate.Pipeline;
using Leadgate.Qualification;

namespace Leadgate.Demo;

/// <summary>A sales rep of the demo and the countries whose leads are routed to them.</summary>
internal sealed record DemoRep(Actor Actor, IReadOnlySet<string> Territory, double Share);

/// <summary>
/// Who plays in the demo organisation: its marketer, its sales reps (each with a territory), the scoring rule, the web
/// form and the list import; and what they share: the reason lists, the sales pipeline and the companies, one record per domain.
/// </summary>
internal sealed class DemoCast
{
    private readonly IReadOnlyList<Reason> _reasons;
    private readonly Dictionary<string, Company> _companies = new(StringComparer.Ordinal);

    public DemoCast(Organisation organisation, IReadOnlyList<Reason> reasons, SalesPipeline pipeline, Actor marketer, IReadOnlyList<DemoRep> reps, DateTimeOffset formsSince)
    {
        Pipelines = [pipeline];
        OrganisationId = organisation.Id;
        Currency = organisation.DefaultCurrency;
        SqlMinimum = organisation.SqlMinimum;
        _reasons = reasons;
        Marketer = marketer;
        Reps = reps;
        Model = Scoring.ScoringModel.Default;
        WebForm = Actor.ForSystem(organisation.Id);
        ListImport = Actor.ForImport(organisation.Id);
        WebsiteForm = Intake.WebForm.Create(organisation.Id, "Website: demo request and contact", WebsiteConsent, null, formsSince);
        WebinarForm = Intake.WebForm.Create(organisation.Id, "Webinar registration", WebinarConsent, null, formsSince);
    }

    private const string WebsiteConsent = "Yes, Leadgate may contact me about my request and e-mail me about its products. I can withdraw this at any time.";

    private const string WebinarConsent = "Yes, send me the webinar's recording and Leadgate's news about sales and marketing. I can unsubscribe at any time.";

    /// <summary>The website's form: the people who came in through it gave its consent.</summary>
    public Intake.WebForm WebsiteForm { get; }

    /// <summary>The webinar platform's registration form, with its own consent text.</summary>
    public Intake.WebForm WebinarForm { get; }

    public Guid OrganisationId { get; }

    public string Currency { get; }

    public BantMinimum SqlMinimum { get; }

    /// <summary>The organisation's one pipeline, the default, in which every demo deal is opened and moved.</summary>
    public IReadOnlyList<SalesPipeline> Pipelines { get; }

    public Actor Marketer { get; }

    public IReadOnlyList<DemoRep> Reps { get; }

    /// <summary>The scoring model the demo organisation works with (the default, as a new organisation's): its rule moves the demo's leads to MQL as it would in the product.</summary>
    public Scoring.ScoringModel Model { get; }

    /// <summary>Forms on the website and the webinar platform post their leads as the system.</summary>
    public Actor WebForm { get; }

    /// <summary>LinkedIn lead-gen lists and the outreach tool come in as imports.</summary>
    public Actor ListImport { get; }

    public IReadOnlyCollection<Company> Companies => _companies.Values;

    public Reason Reason(ReasonKind kind, string code) =>
        _reasons.Single(r => r.Kind == kind && r.Code == code);

    public Company CompanyFor(DemoCompany company, DateTimeOffset at)
    {
        if (!_companies.TryGetValue(company.Domain, out var record))
        {
            record = Company.Create(OrganisationId, company.Name, company.Domain, at);
            record.Describe(company.Name, company.Industry, company.Employees, company.Country);
            _companies[company.Domain] = record;
        }

        return record;
    }
}
