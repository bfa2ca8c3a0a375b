using System.Globalization;
using Leadgate.Data;
using Microsoft.Data.Sqlite;

namespace Leadgate.Web.Cli;

/// <summary>
/// The reports benchmark's data, written with raw prepared SQL in one organisation: leads over the last two years (more in
/// spring and autumn), each with its stage events — created as IQL; most become MQL, many are sent back to Nurture and
/// come back (recycled), some are disqualified from IQL, MQL or Nurture; some become SQL with a deal, go on to Opportunity
/// and Customer (or straight from SQL to Customer: a skip), or are lost; a tenth is imported history (actor <c>import</c>),
/// some of it straight into a later stage. Deals carry their history (opened, moved, closed), the MQLs a handover with its
/// first touch and SLA. Deterministic: the same size gives the same rows on the same day.
/// </summary>
internal static class BenchReportsSeed
{
    private const int SeedTransaction = 100_000;

    private static readonly string[] Sources = ["website", "webinar", "linkedin", "referral", "partner", "events"];
    private static readonly string?[] Campaigns = ["spring-launch", "autumn-webinar", "newsletter", "retargeting", null];
    private static readonly string[] SentBack = ["not-ready", "no-budget", "wrong-person", "timing"];
    private static readonly string[] Disqualify = ["no-fit", "spam", "competitor", "student"];
    private static readonly string[] LostReasons = ["Price", "Competitor", "No decision", "Timing"];

    /// <summary>The default pipeline's stages in order: probability, forecast category.</summary>
    private static readonly (int Probability, string Category)[] Meaning =
        [(20, "Pipeline"), (35, "Pipeline"), (50, "BestCase"), (70, "BestCase"), (90, "Commit"), (100, "Closed"), (0, "Omitted")];

    private sealed record Move(string? From, string To, DateTimeOffset At, string Actor, string? Reason);

    public static async Task<(long Leads, long StageEvents, long Deals, long DealChanges, long Handovers)> SeedAsync(
        string connectionString, Guid organisationId, List<Guid> owners, Guid[] stages, int leads, DateTimeOffset now, IProgress<int>? progress,
        CancellationToken cancellationToken)
    {
        await using var seeder = await BenchSeeder.OpenAsync(connectionString, SeedTransaction, cancellationToken);
        var org = SqliteGuids.ToBytes(organisationId);
        var pipelineId = await seeder.PipelineOfAsync(stages[0], cancellationToken);
        var contact = seeder.Insert("Contacts", ["Id", "OrganisationId", "Email", "FirstName", "LastName"]);
        var lead = seeder.Insert("Leads", [
            "Id", "OrganisationId", "ContactId", "OwnerId", "DealId", "Stage", "HighestStage", "WorkStatus", "CreatedAt", "UpdatedAt", "StageChangedAt",
            "LastActivityAt", "SearchText", "Version", "Bant_Authority_Status", "Bant_Budget_Status", "Bant_Need_Status", "Bant_Timeline_Status",
            "EngagementScore", "FitScore", "Source", "Campaign", "MqlAt"]);
        var stageEvent = seeder.Insert("StageEvents", ["Id", "OrganisationId", "LeadId", "From", "To", "At", "ActorKind", "ActorName", "Reason"]);
        var deal = seeder.Insert("Deals", [
            "Id", "OrganisationId", "LeadId", "Title", "Value", "Currency", "ExpectedCloseDate", "Status", "WonAmount", "ClosedOn", "LostReason",
            "OwnerId", "CreatedAt", "UpdatedAt", "Version", "PipelineId", "StageId", "StageChangedAt", "StageProbability", "StageForecastCategory",
            "RepProbability", "RepForecastCategory"]);
        var change = seeder.Insert("DealChanges", [
            "Id", "OrganisationId", "DealId", "At", "Status", "Value", "Currency", "ExpectedCloseDate", "Probability", "ForecastCategory",
            "ProbabilitySource", "StageId", "ActorName"]);
        var handover = seeder.Insert("Handovers", [
            "Id", "OrganisationId", "LeadId", "OwnerId", "StartedAt", "AssignedAt", "FirstTouchAt", "SlaDueAt", "BreachedAt", "EndedAt", "Team", "Route"]);
        var scheduled = seeder.Insert("ScheduledActivities", ["Id", "OrganisationId", "DealId", "LeadId", "Type", "Notes", "DueAt", "CreatedAt", "UserId", "ActorName"]);
        var counts = (Leads: 0L, StageEvents: 0L, Deals: 0L, DealChanges: 0L, Handovers: 0L);
        void Row(SqliteCommand command, params object?[] values) => seeder.Row(command, values);

        static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        static string Money(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);
        var random = new Random(17);
        var span = TimeSpan.FromDays(730);
        var start = now - span;
        var moves = new List<Move>(16);

        // Created in the last two years, more in spring and autumn than in summer and at the turn of the year; written in the
        // order they were created, as a live database gets them, so that their keys (version 7, by creation time) follow the
        // tables' row order there too. Written in random order, a report that reads the lead of each funnel row read a
        // random page of Leads for each (docs/performance.md, P6, sixth run).
        var createdAt = new DateTimeOffset[leads];
        for (var i = 0; i < leads; i++)
        {
            do
            {
                createdAt[i] = start + (span * random.NextDouble());
            }
            while (random.NextDouble() > 0.7 + (0.3 * Math.Abs(Math.Sin(createdAt[i].DayOfYear / 365.0 * 2 * Math.PI))));
        }

        Array.Sort(createdAt);
        for (var i = 0; i < leads; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var created = createdAt[i];
            moves.Clear();
            var imported = random.NextDouble() < 0.1;
            var actor = imported ? "Import" : "Rule";
            var at = created;
            var stage = "Iql";
            bool Next(string to, double minDays, double maxDays, string kind, string? reason)
            {
                var next = at.AddDays(minDays + (random.NextDouble() * (maxDays - minDays)));
                if (next >= now)
                {
                    return false;
                }

                at = next;
                moves.Add(new Move(stage, to, at, imported && next < created.AddDays(60) ? "Import" : kind, reason));
                stage = to;
                return true;
            }

            // An import straight into a later stage: the earlier ones are skipped.
            var skipTo = imported && random.NextDouble() < 0.3 ? (random.NextDouble() < 0.5 ? "Sql" : "Customer") : null;
            moves.Add(new Move(null, skipTo ?? "Iql", created, actor, null));
            stage = skipTo ?? "Iql";
            DateTimeOffset? mqlAt = null;
            DateTimeOffset? sqlAt = skipTo is not null ? created : null;
            if (stage == "Iql")
            {
                var fate = random.NextDouble();
                if (fate < 0.06)
                {
                    Next("Disqualified", 1, 20, "User", Disqualify[random.Next(Disqualify.Length)]);
                }
                else if (fate < 0.15 || !Next("Mql", 1, 40, "Rule", null))
                {
                    // stays IQL
                }
                else
                {
                    mqlAt = at;
                    var cycles = random.NextDouble() switch { < 0.1 => 0, < 0.3 => 1, < 0.55 => 2, < 0.8 => 3, < 0.92 => 4, _ => 5 };
                    for (var c = 0; c < cycles && stage == "Mql"; c++)
                    {
                        if (!Next("Nurture", 2, 20, "User", SentBack[random.Next(SentBack.Length)]))
                        {
                            break;
                        }

                        var back = random.NextDouble();
                        if (back < 0.85)
                        {
                            Next("Mql", 10, 45, "Rule", null);
                        }
                        else if (back < 0.9)
                        {
                            Next("Disqualified", 5, 60, "User", "no-fit");
                        }
                    }

                    if (stage == "Mql")
                    {
                        var then = random.NextDouble();
                        if (then < 0.3 && Next("Sql", 1, 20, "User", null))
                        {
                            sqlAt = at;
                        }
                        else if (then < 0.38)
                        {
                            Next("Disqualified", 1, 30, "User", Disqualify[random.Next(Disqualify.Length)]);
                        }
                    }
                }
            }

            // Sales: on to Opportunity and Customer, straight to Customer (a skip), lost, or still open.
            string? lostFrom = null;
            var opportunityAt = (DateTimeOffset?)null;
            if (stage == "Sql")
            {
                var then = random.NextDouble();
                if (then < 0.5 && Next("Opportunity", 5, 40, "User", null))
                {
                    opportunityAt = at;
                    var end = random.NextDouble();
                    if (end < 0.45)
                    {
                        Next("Customer", 10, 60, "User", null);
                    }
                    else if (end < 0.75 && Next("Nurture", 10, 60, "User", LostReasons[random.Next(LostReasons.Length)]))
                    {
                        lostFrom = "Opportunity";
                    }
                }
                else if (then < 0.62)
                {
                    Next("Customer", 10, 50, "User", null);
                }
                else if (then < 0.8 && Next(random.NextDouble() < 0.7 ? "Nurture" : "Disqualified", 5, 45, "User", LostReasons[random.Next(LostReasons.Length)]))
                {
                    lostFrom = "Sql";
                }
            }

            var leadId = Guid.CreateVersion7(created);
            var leadKey = SqliteGuids.ToBytes(leadId);
            var ownerIndex = random.Next(owners.Count);
            var owner = mqlAt is not null || sqlAt is not null ? SqliteGuids.ToBytes(owners[ownerIndex]) : null;
            var highest = moves.Select(m => Array.IndexOf(FunnelOrder, m.To)).Where(x => x < 5).DefaultIfEmpty(0).Max();
            var source = Sources[Math.Min(Sources.Length - 1, (int)(Sources.Length * Math.Pow(random.NextDouble(), 1.4)))];
            var campaign = Campaigns[random.Next(Campaigns.Length)];
            double? fit = random.NextDouble() < 0.1 ? null : Math.Round(random.NextDouble() * 100, 1);
            var contactId = SqliteGuids.ToBytes(Guid.CreateVersion7(created));
            Row(contact, contactId, org, $"person{i}@lead-{i % 50_000}.example.com", "Person", $"Number {i}");

            // The deal of a lead that reached SQL: opened at SQL, moved at Opportunity, closed at Customer (won) or at its loss.
            byte[]? dealKey = null;
            if (sqlAt is { } opened)
            {
                dealKey = SqliteGuids.ToBytes(Guid.CreateVersion7(opened));
                var value = 2_000m + (random.Next(0, 98) * 1_000m);
                var closeDate = opened.AddDays(30 + random.Next(0, 90));
                var sqlStage = random.Next(0, 2);
                var history = new List<(DateTimeOffset At, string Status, int Stage, DateTimeOffset Close)> { (opened, "Open", sqlStage, closeDate) };
                if (opportunityAt is { } moved)
                {
                    var oppStage = 2 + random.Next(0, 3);
                    history.Add((moved.AddMinutes(1), "Open", oppStage, random.NextDouble() < 0.4 ? closeDate.AddDays(random.Next(7, 45)) : closeDate));
                }

                var won = stage == "Customer";
                var lost = lostFrom is not null;
                if (won || lost)
                {
                    history.Add((at.AddMinutes(2), won ? "Won" : "Lost", won ? 5 : 6, at));
                }
                else if (history[^1].Close < now.AddDays(-14))
                {
                    // Still open past its date: the rep moves the date ahead.
                    var rescheduled = now.AddDays(-random.Next(1, 14));
                    history.Add((rescheduled > history[^1].At ? rescheduled : history[^1].At.AddMinutes(1), "Open", history[^1].Stage, now.AddDays(random.Next(3, 170))));
                }

                var last = history[^1];
                var repProbability = !won && !lost && random.NextDouble() < 0.15 ? 10 * random.Next(1, 10) : (int?)null;
                var repCategory = repProbability is not null && random.NextDouble() < 0.5 ? "BestCase" : null;
                foreach (var h in history)
                {
                    var isLast = h == last;
                    Row(change, SqliteGuids.ToBytes(Guid.CreateVersion7(h.At)), org, dealKey, h.At.UtcTicks, h.Status, Money(value), "EUR", Day(h.Close),
                        isLast && repProbability is { } p ? p : Meaning[h.Stage].Probability, isLast && repCategory is not null ? repCategory : Meaning[h.Stage].Category,
                        isLast && repProbability is not null ? "Rep" : "Stage", SqliteGuids.ToBytes(stages[h.Stage]), "Rep");
                    counts.DealChanges++;
                }

                Row(deal, dealKey, org, leadKey, $"Deal {i}", Money(value), "EUR", Day(last.Close), won ? "Won" : lost ? "Lost" : "Open",
                    won ? Money(value * (0.9m + (random.Next(0, 16) / 100m))) : null, won || lost ? Day(at) : null, lost ? moves[^1].Reason : null,
                    owner, opened.UtcTicks, last.At.UtcTicks, history.Count, pipelineId, SqliteGuids.ToBytes(stages[last.Stage]), last.At.UtcTicks,
                    Meaning[last.Stage].Probability, Meaning[last.Stage].Category, repProbability, repCategory);
                counts.Deals++;
                if (!won && !lost && i % 5 == 0)
                {
                    Row(scheduled, SqliteGuids.ToBytes(Guid.CreateVersion7(now)), org, dealKey, leadKey, "Meeting", "Review", now.AddDays(1 + (i % 14)).UtcTicks,
                        now.UtcTicks, owner, "Rep");
                }
            }

            var lastActivity = at.AddDays(random.Next(0, 20));
            Row(lead, leadKey, org, contactId, owner, dealKey, stage, FunnelOrder[highest], "New", created.UtcTicks, at.UtcTicks, at.UtcTicks,
                (lastActivity < now ? lastActivity : now).UtcTicks, $"person number {i}", 1L, "Unknown", "Unknown", "Unknown", "Unknown",
                Math.Round(random.NextDouble() * 60, 1), fit, source, campaign, mqlAt?.UtcTicks);
            counts.Leads++;
            foreach (var move in moves)
            {
                Row(stageEvent, SqliteGuids.ToBytes(Guid.CreateVersion7(move.At)), org, leadKey, move.From, move.To, move.At.UtcTicks, move.Actor,
                    move.Actor == "Import" ? "import" : move.Actor == "Rule" ? "MQL rule" : "Rep", move.Reason);
                counts.StageEvents++;
            }

            // The handover of an MQL to a rep: assigned at its MQL moment, touched within hours (or never), an SLA of 8 hours.
            if (mqlAt is { } assigned && owner is not null)
            {
                var touched = random.NextDouble() < 0.85 ? assigned.AddHours(Math.Pow(random.NextDouble(), 2) * 30) : (DateTimeOffset?)null;
                var due = assigned.AddHours(8);
                var breached = touched is null || touched > due ? due : (DateTimeOffset?)null;
                Row(handover, SqliteGuids.ToBytes(Guid.CreateVersion7(assigned)), org, leadKey, owner, assigned.UtcTicks, assigned.UtcTicks,
                    touched < now ? touched?.UtcTicks : null, due.UtcTicks, breached < now ? breached?.UtcTicks : null, (touched ?? due.AddDays(2)).UtcTicks,
                    ownerIndex % 2 == 0 ? "North" : "South", "round-robin");
                counts.Handovers++;
            }

            if (i % 10_000 == 0)
            {
                progress?.Report((int)(100L * i / leads));
            }
        }

        progress?.Report(100);
        return counts;
    }

    private static readonly string[] FunnelOrder = ["Iql", "Mql", "Sql", "Opportunity", "Customer", "Nurture", "Disqualified"];
}
