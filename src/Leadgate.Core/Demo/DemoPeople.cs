using System.Globalization;
using System.Text;

namespace Leadgate.Demo;

/// <summary>A fictional company the demo's leads work for.</summary>
internal sealed record DemoCompany(string Name, string Domain, string Industry, int Employees, string Country);

/// <summary>A fictional person at a <see cref="DemoCompany"/>; <see cref="DecisionMaker"/> says whether they sign the order.</summary>
internal sealed record DemoPerson(string FirstName, string LastName, string Email, string JobTitle, string Phone, bool DecisionMaker, DemoCompany Company);

/// <summary>
/// Invents B2B contacts in the Netherlands, Belgium, Germany and the United Kingdom: local names, companies with a
/// domain of their country, an industry and a size, and the job titles of people who buy business software.
/// Several people may work at the same company; every e-mail address is unique.
/// </summary>
internal sealed class DemoPeople(DemoDice dice)
{
    private static readonly IReadOnlyList<(string Country, double Weight)> Countries = [("NL", 45), ("BE", 20), ("DE", 20), ("GB", 15)];

    private static readonly Dictionary<string, Locale> Locales = new(StringComparer.Ordinal)
    {
        ["NL"] = new(
            FirstNames: ["Daan", "Sem", "Lucas", "Milan", "Bram", "Thijs", "Jesse", "Ruben", "Lars", "Joost", "Pieter", "Wouter", "Sander", "Martijn", "Koen", "Sanne", "Lotte", "Eva", "Fleur", "Anouk", "Iris", "Femke", "Maaike", "Esther", "Marieke", "Annelies", "Ingrid", "Linda", "Mirjam", "Hanneke"],
            LastNames: ["de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "de Graaf", "van der Meer", "van der Linden", "Kok", "de Haan", "Vermeulen", "Postma", "Kuipers", "Verhoeven"],
            Places: ["Noordzee", "Rijnmond", "Hollandia", "Zuidwest", "Oranje", "Polder", "Delta", "Veluwe", "Amstel", "Kempen", "Brabant", "Twente", "IJssel", "Maasland", "Waddenzee", "Dommel", "Utrechtse", "Zeeland", "Gooi", "Friesland"],
            Words: [("Logistiek", "Logistics"), ("Techniek", "Engineering"), ("Software", "Software"), ("Installatie", "Construction"), ("Bouwgroep", "Construction"), ("Zorggroep", "Healthcare"), ("Advies", "Professional services"), ("Energie", "Energy"), ("Foods", "Food & beverage"), ("Systems", "Software"), ("Metaal", "Manufacturing"), ("Verpakkingen", "Manufacturing"), ("Groothandel", "Wholesale"), ("Transport", "Logistics"), ("Accountants", "Financial services"), ("Opleidingen", "Education")],
            LegalForms: ["B.V.", "B.V.", "B.V.", "Groep B.V.", "N.V."],
            TopLevelDomain: "nl",
            LocalTitles: [("Directeur", true), ("Algemeen directeur", true), ("Teamleider planning", false), ("Hoofd inkoop", false)],
            Phone: d => $"+31 6 {d.Between(1000, 9999)} {d.Between(1000, 9999)}"),
        ["BE"] = new(
            FirstNames: ["Arne", "Wout", "Jens", "Pieter-Jan", "Stijn", "Thomas", "Mathias", "Kobe", "Louis", "Benoît", "Nathalie", "Elke", "Griet", "Sofie", "Lien", "Hanne", "Julie", "Maxime", "Camille", "Céline"],
            LastNames: ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet", "Dubois", "Lambert", "Dupont", "Vermeersch", "Van Damme", "De Backer", "Lemmens", "Coppens", "Declercq", "Martens"],
            Places: ["Schelde", "Leie", "Brugse", "Antwerpse", "Gentse", "Ardennes", "Meuse", "Flanders", "Kempense", "Limburgse", "Brabançonne", "Zenne", "Dender", "Westhoek", "Haspengouw"],
            Words: [("Logistics", "Logistics"), ("Solutions", "Software"), ("Bouw", "Construction"), ("Industries", "Manufacturing"), ("Consult", "Professional services"), ("Pharma", "Healthcare"), ("Energy", "Energy"), ("Foods", "Food & beverage"), ("Distribution", "Wholesale"), ("Finance", "Financial services"), ("Chemicals", "Manufacturing"), ("Academy", "Education")],
            LegalForms: ["BV", "NV", "BV", "SA", "SRL"],
            TopLevelDomain: "be",
            LocalTitles: [("Zaakvoerder", true), ("Gedelegeerd bestuurder", true), ("Responsable achats", false), ("Diensthoofd IT", false)],
            Phone: d => $"+32 4{d.Between(70, 99)} {d.Between(10, 99)} {d.Between(10, 99)} {d.Between(10, 99)}"),
        ["DE"] = new(
            FirstNames: ["Lukas", "Leon", "Jonas", "Felix", "Maximilian", "Paul", "Tobias", "Stefan", "Jürgen", "Matthias", "Andreas", "Florian", "Katrin", "Julia", "Anna", "Lena", "Sophie", "Laura", "Sabine", "Christina", "Birgit", "Franziska"],
            LastNames: ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Schmitt", "Werner", "Krause"],
            Places: ["Rhein", "Nordlicht", "Bayern", "Elbe", "Schwarzwald", "Alpen", "Spree", "Hanse", "Main", "Weser", "Ruhr", "Isar", "Neckar", "Harz", "Eifel", "Mosel"],
            Words: [("Logistik", "Logistics"), ("Maschinenbau", "Manufacturing"), ("Software", "Software"), ("Energietechnik", "Energy"), ("Bau", "Construction"), ("Medizintechnik", "Healthcare"), ("Beratung", "Professional services"), ("Lebensmittel", "Food & beverage"), ("Handel", "Wholesale"), ("Automation", "Manufacturing"), ("Finanz", "Financial services"), ("Akademie", "Education")],
            LegalForms: ["GmbH", "GmbH", "GmbH & Co. KG", "AG"],
            TopLevelDomain: "de",
            LocalTitles: [("Geschäftsführer", true), ("Leiter Vertrieb", false), ("Leiter IT", false), ("Prokurist", true)],
            Phone: d => $"+49 15{d.Between(1, 9)} {d.Between(1000000, 9999999)}"),
        ["GB"] = new(
            FirstNames: ["Oliver", "George", "Harry", "Jack", "James", "William", "Thomas", "Daniel", "Matthew", "Samuel", "Charlotte", "Amelia", "Olivia", "Emily", "Sophie", "Jessica", "Hannah", "Eleanor", "Rachel", "Rebecca"],
            LastNames: ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Hughes", "Edwards", "Turner", "Cooper"],
            Places: ["Thames", "Pennine", "Albion", "Northgate", "Kingsbridge", "Severn", "Mersey", "Cotswold", "Highland", "Lakeland", "Tyne", "Solent", "Chiltern", "Fenland", "Humber"],
            Words: [("Logistics", "Logistics"), ("Engineering", "Manufacturing"), ("Software", "Software"), ("Healthcare", "Healthcare"), ("Foods", "Food & beverage"), ("Consulting", "Professional services"), ("Energy", "Energy"), ("Construction", "Construction"), ("Supplies", "Wholesale"), ("Capital", "Financial services"), ("Learning", "Education"), ("Analytics", "Software")],
            LegalForms: ["Ltd", "Ltd", "Ltd", "plc", "Group Ltd"],
            TopLevelDomain: "co.uk",
            LocalTitles: [("Founder", true), ("Finance Director", true), ("Head of Procurement", false), ("Operations Lead", false)],
            // Ofcom keeps 07700 900000–900999 free for drama: these numbers reach nobody.
            Phone: d => $"+44 7700 900{d.Between(0, 999):000}"),
    };

    private static readonly IReadOnlyList<(string Title, bool DecisionMaker)> Titles =
    [
        ("CEO", true), ("Managing Director", true), ("CFO", true), ("COO", true), ("Commercial Director", true), ("IT Director", true),
        ("Head of Sales", true), ("VP Operations", true), ("Operations Manager", false), ("IT Manager", false), ("Marketing Manager", false),
        ("Procurement Manager", false), ("Sales Operations Lead", false), ("Head of Marketing", false), ("Business Analyst", false),
        ("Project Manager", false), ("Office Manager", false), ("CRM Specialist", false), ("Finance Manager", false), ("Customer Service Manager", false),
    ];

    private readonly List<DemoCompany> _companies = [];
    private readonly Dictionary<DemoCompany, int> _headcount = [];
    private readonly HashSet<string> _domains = new(StringComparer.Ordinal);
    private readonly HashSet<string> _emails = new(StringComparer.Ordinal);

    /// <summary>A new person; about one in four works at a company the demo already knows.</summary>
    public DemoPerson Next()
    {
        var known = _companies.Where(c => _headcount[c] < 3).ToList();
        var company = known.Count > 20 && dice.Chance(0.25) ? dice.Pick(known) : NewCompany();
        _headcount[company] = _headcount.GetValueOrDefault(company) + 1;
        var (title, decisionMaker) = dice.Chance(0.15) ? dice.Pick(Locales[company.Country].LocalTitles) : dice.Pick(Titles);
        return PersonAt(company, title, decisionMaker);
    }

    /// <summary>Someone else at the company of a lead, with this job title: a stakeholder in the lead's deal, not a lead of their own.</summary>
    public DemoPerson ColleagueAt(DemoCompany company, string title, bool decisionMaker) => PersonAt(company, title, decisionMaker);

    private DemoPerson PersonAt(DemoCompany company, string title, bool decisionMaker)
    {
        var locale = Locales[company.Country];
        while (true)
        {
            var first = dice.Pick(locale.FirstNames);
            var last = dice.Pick(locale.LastNames);
            var local = dice.Pick<Func<string>>(
            [
                (() => $"{Ascii(first)}.{Ascii(last)}", 60),
                (() => $"{Ascii(first)[0]}.{Ascii(last)}", 20),
                (() => $"{Ascii(first)}{Ascii(last)}", 10),
                (() => Ascii(first), company.Employees < 50 ? 10 : 1),
            ])();
            var email = $"{local}@{company.Domain}";
            if (_emails.Add(email))
            {
                return new DemoPerson(first, last, email, title, locale.Phone(dice), decisionMaker, company);
            }
        }
    }

    private DemoCompany NewCompany()
    {
        var country = dice.Pick(Countries);
        var locale = Locales[country];
        while (true)
        {
            var place = dice.Pick(locale.Places);
            var (word, industry) = dice.Pick(locale.Words);
            var domain = $"{Ascii(place)}{(dice.Chance(0.4) ? "-" : "")}{Ascii(word)}.{locale.TopLevelDomain}";
            if (!_domains.Add(domain))
            {
                continue;
            }

            var company = new DemoCompany($"{place} {word} {dice.Pick(locale.LegalForms)}", domain, industry, Employees(), country);
            _companies.Add(company);
            return company;
        }
    }

    private int Employees()
    {
        var (min, max, step) = dice.Pick<(int, int, int)>([((8, 49, 1), 25), ((50, 249, 5), 40), ((250, 999, 10), 25), ((1000, 5000, 50), 10)]);
        return dice.Between(min, max) / step * step;
    }

    /// <summary>How a name is written in an e-mail address or domain: lower case, no spaces, umlauts spelled out, no accents.</summary>
    private static string Ascii(string text)
    {
        var spelled = text.ToLowerInvariant()
            .Replace("ä", "ae", StringComparison.Ordinal).Replace("ö", "oe", StringComparison.Ordinal)
            .Replace("ü", "ue", StringComparison.Ordinal).Replace("ß", "ss", StringComparison.Ordinal)
            .Normalize(NormalizationForm.FormD);
        var ascii = new StringBuilder(spelled.Length);
        foreach (var c in spelled)
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' && CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                ascii.Append(c);
            }
        }

        return ascii.ToString();
    }

    private sealed record Locale(
        IReadOnlyList<string> FirstNames,
        IReadOnlyList<string> LastNames,
        IReadOnlyList<string> Places,
        IReadOnlyList<(string Word, string Industry)> Words,
        IReadOnlyList<string> LegalForms,
        string TopLevelDomain,
        IReadOnlyList<(string Title, bool DecisionMaker)> LocalTitles,
        Func<DemoDice, string> Phone);
}
