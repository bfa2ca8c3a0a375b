using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Leadgate.Handover;
using Leadgate.Leads;
using Leadgate.Scoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Leadgate.Imports;

/// <summary>A CSV file to import: its name (for the record), its bytes (seekable), and the options.</summary>
public sealed record ImportLeadsRequest(string FileName, Stream Content, string? MappingJson = null, bool AllOrNothing = false);

/// <summary>How far an import is: rows done and the share of the file read, 0–100.</summary>
public readonly record struct ImportProgress(long Rows, int Percent);

/// <summary>The job after this run, and whether this run found it already completed or continued a stopped one.</summary>
public sealed record ImportOutcome(ImportJobView Job, bool AlreadyImported, bool Resumed);

/// <summary>
/// Imports leads from a CSV export (HubSpot, Salesforce, or any file with a mapping), streaming: a batch of rows is
/// read and checked while the one before it is written. Each batch looks up its e-mail addresses and company domains in
/// bulk, creates the new leads (at Iql, by the import actor; written untracked by <see cref="BulkInsert"/>) or updates the
/// known ones, and is saved in one transaction together with the job's counters and the batch's row
/// report, so an import stopped at any point continues after its last saved batch when the same file is imported again.
/// </summary>
public sealed partial class ImportLeads(LeadgateDbContext db, TimeProvider clock, ILogger<ImportLeads> logger, Privacy.SuppressionList suppression)
{
    /// <summary>At most this many row problems are kept per job; the count of bad rows is always complete.</summary>
    public const int MaxStoredProblems = 10_000;

    private ScoringModel? _model;

    private QuickScores? _scores;

    public int BatchSize { get; set; } = 5_000;

    /// <summary>
    /// Batches are committed together until this many rows were read since the last commit. A commit writes every page the
    /// batches touched; the e-mail index takes rows at random places, so the fewer commits, the fewer times each of its
    /// pages is written. A stopped import loses at most this many rows of work, never a row.
    /// </summary>
    public int CommitRows { get; set; } = 50_000;

    public async Task<Result<ImportOutcome>> HandleAsync(ImportLeadsRequest request, Actor actor, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        if (actor.Kind == ActorKind.User && !actor.IsIn(Roles.Marketing) && !actor.IsIn(Roles.Admin))
        {
            return new Forbidden("Only marketing or an admin imports leads.");
        }

        var fileName = Path.GetFileName(request.FileName.Trim());
        if (fileName.Length is 0 or > 260)
        {
            return Invalid.Field("fileName", "A file name of 1 to 260 characters is required.");
        }

        // The whole stream is the file, wherever its position was left by whoever wrote it (an upload copied into a spool
        // ends at its end, and hashing from there gave every upload the hash of nothing).
        request.Content.Position = 0;
        var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(request.Content, cancellationToken));
        var organisationId = actor.OrganisationId;
        var earlier = await db.ImportJobs
            .Where(j => j.OrganisationId == organisationId && j.ContentHash == hash && j.Status != ImportStatus.Refused)
            .OrderByDescending(j => j.StartedAt)
            .FirstOrDefaultAsync(cancellationToken);
        if (earlier is { Status: ImportStatus.Completed })
        {
            return new ImportOutcome(await ViewAsync(earlier, cancellationToken), AlreadyImported: true, Resumed: false);
        }

        // A stopped run continues with the options it started with, whatever this run asked for.
        var mappingJson = earlier is null ? request.MappingJson : earlier.MappingJson;
        var allOrNothing = earlier?.AllOrNothing ?? request.AllOrNothing;
        if (mappingJson is { Length: > 20_000 })
        {
            return Invalid.Field("mapping", "The mapping is longer than 20,000 characters.");
        }

        var mapped = ImportPreview.Map(request.Content, mappingJson);
        if (mapped.Error is { } unreadable)
        {
            return unreadable;
        }

        var mapping = mapped.Value;
        var now = clock.GetUtcNow();
        if (allOrNothing)
        {
            var problems = await CheckAsync(request.Content, mapping, cancellationToken);
            if (problems.Bad > 0)
            {
                var refused = earlier ?? ImportJob.Start(organisationId, fileName, hash, mapping.Format, mappingJson, allOrNothing, actor.Name, now);
                refused.Count(new ImportTally { Rows = problems.Rows, Bad = problems.Bad });
                refused.Refuse(clock.GetUtcNow());
                if (earlier is null)
                {
                    db.ImportJobs.Add(refused);
                }

                db.ImportProblems.AddRange(problems.Stored.Select(p => ImportProblem.For(refused.Id, p.Line, p.Column, p.Problem, now)));
                await db.SaveChangesAsync(cancellationToken);
                LogRefused(refused.Id, problems.Bad);
                return new ImportOutcome(await ViewAsync(refused, cancellationToken), AlreadyImported: false, Resumed: earlier is not null);
            }
        }

        var job = earlier;
        if (job is null)
        {
            job = ImportJob.Start(organisationId, fileName, hash, mapping.Format, mappingJson, allOrNothing, actor.Name, now);
            db.ImportJobs.Add(job);
            await db.SaveChangesAsync(cancellationToken);
        }

        LogStarted(job.Id, mapping.Format, job.RowsRead);
        var storedProblems = earlier is null ? 0 : await db.ImportProblems.CountAsync(p => p.ImportJobId == job.Id, cancellationToken);
        await using (var transaction = allOrNothing ? await db.Database.BeginTransactionAsync(cancellationToken) : null)
        {
            await using var connection = await ImportConnection.OpenAsync(db, cancellationToken);
            await RunAsync(request.Content, mapping, job, storedProblems, progress, cancellationToken);
            job.Complete(clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }

        LogCompleted(job.Id, job.RowsRead, job.Imported, job.Updated, job.Bad);
        return new ImportOutcome(await ViewAsync(job, cancellationToken), AlreadyImported: false, Resumed: earlier is not null);
    }

    /// <summary>
    /// The import actor of the organisation with this slug; without a slug, of the only organisation there is (the
    /// command line's default for a single-tenant install).
    /// </summary>
    public async Task<Result<Actor>> ImporterAsync(string? organisationSlug, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(organisationSlug))
        {
            var slug = organisationSlug.Trim().ToLowerInvariant();
            var id = await db.Organisations.Where(o => o.Slug == slug).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(cancellationToken);
            return id is { } found ? Actor.ForImport(found) : new NotFound("Organisation", slug);
        }

        var organisations = await db.Organisations.OrderBy(o => o.Slug).Select(o => new { o.Id, o.Slug }).Take(11).ToListAsync(cancellationToken);
        return organisations switch
        {
            [var only] => Actor.ForImport(only.Id),
            [] => Invalid.Field("org", "There is no organisation yet; create one first (leadgate orgs add)."),
            _ => Invalid.Field("org", "There are several organisations; name one with --org (" + string.Join(", ", organisations.Take(10).Select(o => o.Slug)) + (organisations.Count > 10 ? ", …" : "") + ")."),
        };
    }

    /// <summary>The all-or-nothing check: every row validated, nothing written.</summary>
    private static async Task<(long Rows, long Bad, List<(long Line, string Column, FieldProblem Problem)> Stored)> CheckAsync(
        Stream content, ImportMapping mapping, CancellationToken cancellationToken)
    {
        content.Position = 0;
        using var text = Open(content);
        var reader = new CsvReader(text);
        reader.Read();
        long rows = 0, bad = 0;
        var stored = new List<(long, string, FieldProblem)>();
        while (reader.Read() is { } record)
        {
            rows++;
            var (_, problems) = ImportRow.Parse(record, mapping);
            if (problems.Count > 0)
            {
                bad++;
                stored.AddRange(problems.Take(MaxStoredProblems - stored.Count).Select(p => (record.Line, p.Column, p.Problem)));
            }

            if (rows % 10_000 == 0)
            {
                await Task.Yield();
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return (rows, bad, stored);
    }

    /// <summary>
    /// Reading and checking the rows runs one batch ahead of writing them, on another thread: the database works on one
    /// batch while the next is parsed.
    /// </summary>
    private async Task RunAsync(Stream content, ImportMapping mapping, ImportJob job, int storedProblems, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batches = System.Threading.Channels.Channel.CreateBounded<ParsedBatch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var reading = Task.Run(() => ReadAsync(content, mapping, job.RowsRead, BatchSize, batches.Writer, stop.Token), stop.Token);
        // The all-or-nothing run has its own transaction around everything; otherwise batches share one until CommitRows.
        var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var uncommitted = 0L;
            await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken))
            {
                storedProblems = await SaveBatchAsync(batch, job, storedProblems, cancellationToken);
                uncommitted += batch.Count;
                if (transaction is not null && uncommitted >= CommitRows)
                {
                    await transaction.CommitAsync(cancellationToken);
                    await transaction.DisposeAsync();
                    transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    uncommitted = 0;
                }

                progress?.Report(new ImportProgress(job.RowsRead, batch.Percent));
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            await stop.CancelAsync();
            try
            {
                await reading;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The writing side stopped first (it failed or was cancelled): its exception is the one that counts.
            }
        }
    }

    private static async Task ReadAsync(Stream content, ImportMapping mapping, long done, int batchSize, ChannelWriter<ParsedBatch> batches, CancellationToken cancellationToken)
    {
        try
        {
            content.Position = 0;
            using var text = Open(content);
            var reader = new CsvReader(text);
            reader.Read();

            // A resumed job skips the rows its saved batches already did.
            for (var skipped = 0L; skipped < done && reader.Read() is not null; skipped++)
            {
            }

            var length = Math.Max(1, content.Length);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = new ParsedBatch(new List<ImportRow>(batchSize), []);
                while (batch.Count < batchSize && reader.Read() is { } record)
                {
                    batch.Count++;
                    var (row, problems) = ImportRow.Parse(record, mapping);
                    if (row is not null)
                    {
                        batch.Rows.Add(row);
                        batch.Lines.Add(record.Line);
                        continue;
                    }

                    batch.Bad++;
                    batch.Problems.AddRange(problems.Select(p => (record.Line, p.Column, p.Problem)));
                }

                if (batch.Count == 0)
                {
                    break;
                }

                batch.Percent = (int)Math.Min(100, content.Position * 100 / length);
                await batches.WriteAsync(batch, cancellationToken);
            }

            batches.Complete();
        }
        catch (Exception e)
        {
            batches.Complete(e);
            throw;
        }
    }

    private async Task<int> SaveBatchAsync(ParsedBatch batch, ImportJob job, int storedProblems, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var organisationId = job.OrganisationId;
        var importer = Actor.ForImport(organisationId);
        var tally = new ImportTally { Rows = batch.Count, Bad = batch.Bad };
        var rows = batch.Rows;
        foreach (var (line, column, problem) in batch.Problems.Take(MaxStoredProblems - storedProblems))
        {
            db.ImportProblems.Add(ImportProblem.For(job.Id, line, column, problem, now));
            storedProblems++;
        }

        var emails = rows.Select(r => r.Email.Value).Distinct().ToList();
        // Contacts first: their (organisation, e-mail) index finds them; a join from leads would scan the organisation's leads.
        // Read whole and tracked: finding a contact's key reads its row anyway, and its lead then needs no join back to it.
        var contacts = await db.Contacts
            .Where(c => c.OrganisationId == organisationId && EF.Parameter(emails).Contains(c.Email))
            .ToListAsync(cancellationToken);
        var leads = new Dictionary<string, Lead>(StringComparer.Ordinal);
        if (contacts.Count > 0)
        {
            var contactIds = contacts.ConvertAll(c => c.Id);
            // By contact id alone (unique, and these contacts are the organisation's): with the organisation in the filter
            // too, SQLite walked the organisation's leads by (OrganisationId, Id), a read that grew with every batch. EF
            // sets each lead's contact from the ones tracked above; joining the contacts and companies in this query took
            // three times as long for the same leads, finding each again by key (docs/performance.md, P5, eighth pass).
            foreach (var lead in await db.Leads.Where(l => EF.Parameter(contactIds).Contains(l.ContactId)).ToListAsync(cancellationToken))
            {
                leads[lead.Contact.Email] = lead;
            }
        }

        var known = new HashSet<string>(leads.Keys, StringComparer.Ordinal);

        var domains = rows.Select(r => r.Company?.Domain ?? LeadFields.CompanyDomainOf(r.Email)).OfType<string>().Distinct().ToList();
        var companies = await db.Companies
            .Where(c => c.OrganisationId == organisationId && EF.Parameter(domains).Contains(c.Domain!))
            .ToDictionaryAsync(c => c.Domain!, StringComparer.Ordinal, cancellationToken);
        // A known lead's company is usually among those (its people share its domain); the others are read by key, and EF
        // sets them on their leads.
        var elsewhere = leads.Values.Where(l => l is { CompanyId: not null, Company: null }).Select(l => l.CompanyId!.Value).Distinct().ToList();
        if (elsewhere.Count > 0)
        {
            await db.Companies.Where(c => EF.Parameter(elsewhere).Contains(c.Id)).LoadAsync(cancellationToken);
        }

        foreach (var company in leads.Values.Select(l => l.Company).OfType<Company>().Where(c => c.Domain is not null))
        {
            companies.TryAdd(company.Domain!, company);
        }

        var names = rows.Where(r => r.Company is { Domain: null, Name: not null }).Select(r => r.Company!.Name!).Distinct().ToList();
        var namedOnly = names.Count == 0 ? [] : (await db.Companies
            .Where(c => c.OrganisationId == organisationId && c.Domain == null && EF.Parameter(names).Contains(c.Name))
            .ToListAsync(cancellationToken))
            .DistinctBy(c => c.Name, StringComparer.Ordinal)
            .ToDictionary(c => c.Name, StringComparer.Ordinal);
        // An erased person is not brought back: their row is reported, and nothing of it is stored.
        var suppressed = await suppression.SuppressedAsync(db, organisationId, emails.Where(e => !leads.ContainsKey(e)), cancellationToken);
        var touched = new HashSet<Lead>(ReferenceEqualityComparer.Instance);
        var fresh = new FreshRows();
        for (var index = 0; index < rows.Count; index++)
        {
            var row = rows[index];
            if (suppressed.Count > 0 && suppressed.Contains(row.Email.Value))
            {
                tally.Bad++;
                if (storedProblems < MaxStoredProblems)
                {
                    db.ImportProblems.Add(ImportProblem.For(job.Id, batch.Lines[index], "email", FieldProblem.EmailSuppressed, now));
                    storedProblems++;
                }

                continue;
            }

            if (!leads.TryGetValue(row.Email.Value, out var lead))
            {
                var contact = Contact.Create(organisationId, row.Email, now);
                contact.Describe(row.FirstName, row.LastName, row.JobTitle, row.Phone);
                contact.RecordBasis(Privacy.LawfulBasis.LegitimateInterest, Privacy.LawfulBasisSource.Import, now);
                var company = CompanyOf(organisationId, row, null, companies, namedOnly, fresh, now);
                var created = Lead.Create(contact, company, row.Source, row.Campaign, importer, now);
                if (created.Error is { } refused)
                {
                    throw new InvalidOperationException("The lifecycle refused an import's new lead: " + refused.Message);
                }

                created.Value.KeepSourceFacts(row.SourceStage, row.SourceCreatedAt, row.SourceOutcome, row.Attributes);

                leads[row.Email.Value] = created.Value;
                fresh.Leads.Add(created.Value);
                touched.Add(created.Value);
                tally.Imported++;
                continue;
            }

            if (Update(lead, row, companies, namedOnly, fresh, now))
            {
                touched.Add(lead);
                tally.Updated++;
            }
            else
            {
                tally.Unchanged++;
            }
        }
        await ScoreAsync(touched, known, now, cancellationToken);
        job.Count(tally);
        await SaveAsync(fresh, cancellationToken);
        db.ChangeTracker.Clear();
        db.ImportJobs.Attach(job);
        return storedProblems;
    }

    /// <summary>
    /// One transaction per batch (or the all-or-nothing one): the new rows are written straight to their tables, untracked;
    /// EF saves the rest (updated leads and companies, the job's counts, the row report).
    /// </summary>
    private async Task SaveAsync(FreshRows fresh, CancellationToken cancellationToken)
    {
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        // New MQLs are routed before their rows are written (docs/handover.md); their handovers and assignments go in
        // with EF's save below. Known leads that became MQL are tracked and routed by that save.
        await db.RouteUntrackedAsync(fresh.Leads, cancellationToken);
        await BulkInsert.InsertAsync(db, fresh.Companies, cancellationToken);
        await BulkInsert.InsertAsync(db, fresh.Leads.ConvertAll(l => l.Contact), cancellationToken);
        await BulkInsert.InsertAsync(db, fresh.Leads, cancellationToken);
        await BulkInsert.InsertAsync(db, fresh.Leads.SelectMany(l => l.History).ToList(), cancellationToken);
        await BulkInsert.InsertAsync(db, fresh.Leads.SelectMany(l => l.Happenings).ToList(), cancellationToken);

        // A known lead may have moved to a company this batch created: that company is in the table now, not new to EF.
        // Only those are attached: attaching every new company made each save's change detection walk them all.
        foreach (var company in fresh.Companies.Where(fresh.MovedTo.Contains))
        {
            db.Entry(company).State = EntityState.Unchanged;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// New and changed leads are scored as a lead from the API is: fit from the new facts, engagement from the lead's stored
    /// events (a new lead has none), and the MQL rule applied by its own name. Events are loaded for the whole batch at once.
    /// </summary>
    private async Task ScoreAsync(HashSet<Lead> touched, HashSet<string> known, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (touched.Count == 0)
        {
            return;
        }

        _model ??= await db.ScoringModelOfAsync(touched.First().OrganisationId, cancellationToken);
        var knownIds = touched.Where(l => known.Contains(l.Contact.Email)).Select(l => l.Id).ToList();
        var events = await db.EventsOfAsync(knownIds, cancellationToken);
        _scores ??= new QuickScores(_model);
        foreach (var lead in touched)
        {
            // Most leads of an import have no events and stay where they are: their numbers come from QuickScores (the fit
            // cached per set of facts, no explanation lines built). A lead with events, or one the rule may move, is
            // scored in full, so the move is made by the rule's name as before.
            if (!events.Contains(lead.Id))
            {
                var fit = _scores.Fit(LeadScoring.FactsOf(lead));
                var engagement = _scores.Engagement([], now);
                if (lead.Stage is not (Stage.Iql or Stage.Nurture) || MqlRule.Decide(_model, fit, engagement, null) is null)
                {
                    lead.RecordScores(fit, engagement, now);
                    continue;
                }
            }

            LeadScoring.Rescore(lead, _model, events[lead.Id], null, now);
        }
    }

    /// <summary>Known facts are overwritten by the file's non-empty values; a lead whose facts are all the same is left untouched.</summary>
    private static bool Update(Lead lead, ImportRow row, Dictionary<string, Company> companies, Dictionary<string, Company> namedOnly, FreshRows fresh, DateTimeOffset now)
    {
        var contact = lead.Contact;
        var firstName = row.FirstName ?? contact.FirstName;
        var lastName = row.LastName ?? contact.LastName;
        var jobTitle = row.JobTitle ?? contact.JobTitle;
        var phone = row.Phone ?? contact.Phone;
        var contactChanged = firstName != contact.FirstName || lastName != contact.LastName || jobTitle != contact.JobTitle || phone != contact.Phone;
        if (contactChanged)
        {
            contact.Describe(firstName, lastName, jobTitle, phone);
        }

        var companyBefore = lead.Company is { } c ? (c.Name, c.Industry, c.Employees, c.Country) : default;
        var company = row.Company is null ? lead.Company : CompanyOf(lead.OrganisationId, row, lead.Company, companies, namedOnly, fresh, now);
        var companyChanged = !ReferenceEquals(company, lead.Company)
            || (company is not null && (company.Name, company.Industry, company.Employees, company.Country) != companyBefore);
        var sourceFactsChanged = lead.KeepSourceFacts(row.SourceStage, row.SourceCreatedAt, row.SourceOutcome, row.Attributes);
        var source = row.Source ?? lead.Source;
        var campaign = row.Campaign ?? lead.Campaign;
        if (source != lead.Source || campaign != lead.Campaign || !ReferenceEquals(company, lead.Company))
        {
            if (company is not null && !ReferenceEquals(company, lead.Company))
            {
                fresh.MovedTo.Add(company);
            }

            lead.Describe(source, campaign, company, now);
        }
        else if (contactChanged || companyChanged || sourceFactsChanged)
        {
            lead.Touch(now);
        }
        else
        {
            return false;
        }

        return true;
    }

    /// <summary>As <see cref="CompanyFacts.FindOrCreateAsync"/>, but from the batch's bulk-loaded companies.</summary>
    private static Company? CompanyOf(Guid organisationId, ImportRow row, Company? current, Dictionary<string, Company> companies, Dictionary<string, Company> namedOnly, FreshRows fresh, DateTimeOffset now)
    {
        var facts = row.Company;
        var domain = facts?.Domain ?? current?.Domain ?? LeadFields.CompanyDomainOf(row.Email);
        var company = current;
        if (domain is not null && company?.Domain != domain)
        {
            company = companies.GetValueOrDefault(domain);
        }

        var name = facts?.Name ?? company?.Name ?? (facts is null ? null : domain);
        if (company is null && domain is null && name is not null)
        {
            company = namedOnly.GetValueOrDefault(name);
        }

        if (company is null)
        {
            if (name is null && domain is null)
            {
                return null;
            }

            company = Company.Create(organisationId, name ?? domain!, domain, now);
            fresh.Companies.Add(company);
            if (domain is not null)
            {
                companies[domain] = company;
            }
            else
            {
                namedOnly[company.Name] = company;
            }
        }

        var describedName = facts?.Name ?? company.Name;
        var industry = facts?.Industry ?? company.Industry;
        var employees = facts?.Employees ?? company.Employees;
        var country = facts?.Country ?? company.Country;
        if (describedName != company.Name || industry != company.Industry || employees != company.Employees || country != company.Country)
        {
            company.Describe(describedName, industry, employees, country);
        }

        return company;
    }

    private async Task<ImportJobView> ViewAsync(ImportJob job, CancellationToken cancellationToken) =>
        await GetImport.ViewAsync(db, job, cancellationToken);

    /// <summary>A batch of rows read and checked: the good rows, and each bad row's problems (line, column, problem).</summary>
    private sealed record ParsedBatch(List<ImportRow> Rows, List<(long Line, string Column, FieldProblem Problem)> Problems)
    {
        /// <summary>The line of each of <see cref="Rows"/> in the file.</summary>
        public List<long> Lines { get; } = [];

        /// <summary>Rows read, good and bad.</summary>
        public int Count { get; set; }

        public int Bad { get; set; }

        /// <summary>How much of the file was read after this batch, 0–100.</summary>
        public int Percent { get; set; }
    }

    /// <summary>What a batch creates: written by <see cref="BulkInsert"/>, never tracked.</summary>
    private sealed class FreshRows
    {
        public List<Company> Companies { get; } = [];

        public List<Lead> Leads { get; } = [];

        /// <summary>The companies known leads of the batch moved to: the new ones among them must be attached before EF saves.</summary>
        public HashSet<Company> MovedTo { get; } = new(ReferenceEqualityComparer.Instance);
    }

    private static StreamReader Open(Stream content) =>
        new(content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {JobId} started as {Format}, from row {RowsRead}")]
    private partial void LogStarted(Guid jobId, string format, long rowsRead);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {JobId} completed: {Rows} rows, {Imported} imported, {Updated} updated, {Bad} bad")]
    private partial void LogCompleted(Guid jobId, long rows, long imported, long updated, long bad);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {JobId} refused (all or nothing): {Bad} bad rows")]
    private partial void LogRefused(Guid jobId, long bad);
}
