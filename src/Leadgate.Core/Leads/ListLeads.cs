using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Leads;

/// <summary>The list's order: newest first (the default), or highest fit, engagement or likelihood first (unscored last).</summary>
public enum LeadSort
{
    CreatedAt,
    Fit,
    Engagement,
    Likelihood,
}

public sealed record ListLeadsRequest
{
    public IReadOnlyList<Stage>? Stages { get; init; }

    public Guid? OwnerId { get; init; }

    /// <summary>Only leads without an owner.</summary>
    public bool Unassigned { get; init; }

    /// <summary>Matches names, e-mail address and company name.</summary>
    public string? Text { get; init; }

    /// <summary>The cursor of the previous page's last row (API); the UI pages with <see cref="Page"/> instead.</summary>
    public string? Cursor { get; init; }

    /// <summary>Zero-based page number for page-by-page browsing; ignored when a cursor is given.</summary>
    public int? Page { get; init; }

    public int Limit { get; init; } = 50;

    public LeadSort Sort { get; init; } = LeadSort.CreatedAt;

    /// <summary>Only leads whose stored fit is at least this (a lead without a fit score is left out).</summary>
    public decimal? MinFit { get; init; }

    /// <summary>Only leads whose stored engagement is at least this.</summary>
    public decimal? MinEngagement { get; init; }

    /// <summary>Only leads whose stored likelihood (by the active model) is at least this, 0–1; a lead without one is left out.</summary>
    public double? MinLikelihood { get; init; }

    /// <summary>Only leads with this source stage (decision 0007): the whole value, without regard to case.</summary>
    public string? SourceStage { get; init; }

    public bool IncludeTotal { get; init; }

    /// <summary>Only leads an outreach agency handed over (delivered, or already known and given the agency's reply); the UI's agency filter.</summary>
    public bool FromAgency { get; init; }
}

public sealed record LeadPage(IReadOnlyList<LeadSummary> Items, string? NextCursor, int? Total)
{
    /// <summary>Whether the leads' likelihoods come from an active model, and if not, why not.</summary>
    public Prediction.LikelihoodStatus? LikelihoodStatus { get; init; }
}

/// <summary>
/// The leads of the caller's organisation, newest first (or by fit or engagement, highest first), filtered, one page at a
/// time. Every order ends with the id, so the keyset cursor is exact for each of them.
/// </summary>
public sealed class ListLeads(LeadgateDbContext db)
{
    public const int MaxLimit = 200;

    public async Task<Result<LeadPage>> HandleAsync(ListLeadsRequest request, Actor actor, CancellationToken cancellationToken)
    {
        if (request.Limit is < 1 or > MaxLimit)
        {
            return Invalid.Field("limit", $"Between 1 and {MaxLimit}.");
        }

        if (request.Text?.Length > 200)
        {
            return Invalid.Field("q", "At most 200 characters.");
        }

        if (!Enum.IsDefined(request.Sort))
        {
            return Invalid.Field("sort", "createdAt, fit, engagement or likelihood.");
        }

        if (request.MinLikelihood is { } bad && (bad is < 0 or > 1 || double.IsNaN(bad)))
        {
            return Invalid.Field("minLikelihood", "A probability between 0 and 1, such as 0.5.");
        }

        if (request.MinFit is < 0 or > 100)
        {
            return Invalid.Field("minFit", "Between 0 and 100.");
        }

        if (request.MinEngagement is < 0 or > 100_000)
        {
            return Invalid.Field("minEngagement", "Between 0 and 100,000.");
        }

        var fields = new LeadFields();
        var sourceStage = request.SourceStage is null ? null : fields.Text(request.SourceStage, "sourceStage", 100);
        if (fields.ToError() is { } badStage)
        {
            return badStage;
        }

        if (request.SourceStage is not null && sourceStage is null)
        {
            return Invalid.Field("sourceStage", "A source stage such as marketingqualifiedlead; leave the parameter out for every lead.");
        }

        var query = db.Leads.AsNoTracking().Where(l => l.OrganisationId == actor.OrganisationId && l.MergedIntoId == null);
        if (sourceStage is not null)
        {
            var stored = await ListSourceStages.MatchingAsync(db, actor.OrganisationId, sourceStage, cancellationToken);
            query = query.Where(l => stored.Contains(l.SourceStage!));
        }

        if (request.FromAgency)
        {
            query = query.Where(l => db.AgencyHandovers.Any(h => h.ClientOrganisationId == actor.OrganisationId && h.ClientLeadId == l.Id));
        }

        if (request.MinFit is { } minFit)
        {
            query = query.Where(l => l.FitScore >= minFit);
        }

        if (request.MinEngagement is { } minEngagement)
        {
            query = query.Where(l => l.EngagementScore >= minEngagement);
        }

        if (request.MinLikelihood is { } minLikelihood)
        {
            query = query.Where(l => db.LeadLikelihoods.Any(x => x.LeadId == l.Id && x.Probability >= minLikelihood));
        }

        if (request.Stages is { Count: > 0 } stages)
        {
            query = query.Where(l => stages.Contains(l.Stage));
        }

        if (request.OwnerId is { } owner)
        {
            query = query.Where(l => l.OwnerId == owner);
        }

        if (request.Unassigned)
        {
            query = query.Where(l => l.OwnerId == null);
        }

        if (!string.IsNullOrWhiteSpace(request.Text))
        {
            var text = request.Text.Trim().ToLowerInvariant();
            query = query.Where(l => l.SearchText.Contains(text));
        }

        int? total = request.IncludeTotal ? await query.CountAsync(cancellationToken) : null;

        if (request.Cursor is not null)
        {
            if (!Cursor.TryRead(request.Cursor, request.Sort, out var after))
            {
                return Invalid.Field("cursor", "This cursor was not issued by this list (in this order).");
            }

            query = After(db, query, request.Sort, after);
        }

        var ordered = Order(db, query, request.Sort);
        if (request.Cursor is null && request.Page is { } page)
        {
            ordered = ordered.Skip(page * request.Limit);
        }

        var rows = await ordered
            .Take(request.Limit + 1)
            .Select(l => new LeadSummary(
                l.Id, l.Contact.Email, l.Contact.FirstName, l.Contact.LastName, l.Company!.Name,
                l.Stage, l.HighestStage, l.WorkStatus, l.OwnerId,
                db.Users.Where(u => u.Id == l.OwnerId).Select(u => u.DisplayName).FirstOrDefault(),
                l.Source, l.Campaign, l.CreatedAt, l.UpdatedAt, l.Version)
            {
                FitScore = l.FitScore,
                EngagementScore = l.EngagementScore,
                SourceStage = l.SourceStage,
                SourceCreatedAt = l.SourceCreatedAt,
                Probability = db.LeadLikelihoods.Where(x => x.LeadId == l.Id).Select(x => (double?)x.Probability).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);

        var hasMore = rows.Count > request.Limit;
        var items = (hasMore ? rows[..request.Limit] : rows)
            .ConvertAll(r => r.Probability is { } p ? r with { Likelihood = new Prediction.LikelihoodSummary(p, Prediction.LeadLikelihoods.BandOf(p)) } : r);
        var next = hasMore ? Cursor.Write(request.Sort, items[^1]) : null;
        return new LeadPage(items, next, total)
        {
            LikelihoodStatus = await Prediction.LeadLikelihoods.StatusAsync(db, actor.OrganisationId, cancellationToken),
        };
    }

    // Unscored fit (null) sorts last on both providers: SQLite and PostgreSQL disagree on where NULLs go by default.
    private static IQueryable<Lead> Order(LeadgateDbContext db, IQueryable<Lead> query, LeadSort sort) => sort switch
    {
        LeadSort.Likelihood => query
            .OrderBy(l => !db.LeadLikelihoods.Any(x => x.LeadId == l.Id))
            .ThenByDescending(l => db.LeadLikelihoods.Where(x => x.LeadId == l.Id).Select(x => (double?)x.Probability).FirstOrDefault())
            .ThenByDescending(l => l.Id),
        LeadSort.CreatedAt => query.OrderByDescending(l => l.CreatedAt).ThenByDescending(l => l.Id),
        LeadSort.Fit => query.OrderBy(l => l.FitScore == null).ThenByDescending(l => l.FitScore).ThenByDescending(l => l.Id),
        LeadSort.Engagement => query.OrderByDescending(l => l.EngagementScore).ThenByDescending(l => l.Id),
    };

    private static IQueryable<Lead> After(LeadgateDbContext db, IQueryable<Lead> query, LeadSort sort, Position after)
    {
        var id = after.Id;
        switch (sort)
        {
            case LeadSort.Likelihood when after.Probability is { } probability:
                return query.Where(l => !db.LeadLikelihoods.Any(x => x.LeadId == l.Id)
                    || db.LeadLikelihoods.Any(x => x.LeadId == l.Id && (x.Probability < probability || (x.Probability == probability && l.Id.CompareTo(id) < 0))));
            case LeadSort.Likelihood:
                return query.Where(l => !db.LeadLikelihoods.Any(x => x.LeadId == l.Id) && l.Id.CompareTo(id) < 0);
            case LeadSort.CreatedAt:
                var createdAt = after.CreatedAt;
                return query.Where(l => l.CreatedAt < createdAt || (l.CreatedAt == createdAt && l.Id.CompareTo(id) < 0));
            case LeadSort.Fit when after.Score is { } fit:
                return query.Where(l => l.FitScore == null || l.FitScore < fit || (l.FitScore == fit && l.Id.CompareTo(id) < 0));
            case LeadSort.Fit:
                return query.Where(l => l.FitScore == null && l.Id.CompareTo(id) < 0);
            case LeadSort.Engagement:
                var engagement = after.Score ?? 0;
                return query.Where(l => l.EngagementScore < engagement || (l.EngagementScore == engagement && l.Id.CompareTo(id) < 0));
        }

        throw new InvalidOperationException($"No keyset for {sort}.");
    }

    private sealed record Position(LeadSort Sort, DateTimeOffset CreatedAt, decimal? Score, Guid Id)
    {
        public double? Probability { get; init; }
    }

    /// <summary>
    /// An opaque keyset position: the last row's sort key and id. "ticks:id" newest first (the format of before sorting
    /// existed, so old cursors stay valid), "fit:score-or-empty:id" and "engagement:score:id" for the score orders.
    /// </summary>
    private static class Cursor
    {
        public static string Write(LeadSort sort, LeadSummary last)
        {
            var text = sort switch
            {
                LeadSort.CreatedAt => $"{last.CreatedAt.UtcTicks}:{last.Id:N}",
                LeadSort.Fit => $"fit:{last.FitScore?.ToString(CultureInfo.InvariantCulture)}:{last.Id:N}",
                LeadSort.Engagement => $"engagement:{last.EngagementScore.ToString(CultureInfo.InvariantCulture)}:{last.Id:N}",
                LeadSort.Likelihood => $"likelihood:{last.Likelihood?.Probability.ToString("R", CultureInfo.InvariantCulture)}:{last.Id:N}",
            };
            return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
        }

        public static bool TryRead(string text, LeadSort sort, [NotNullWhen(true)] out Position? position)
        {
            position = null;
            try
            {
                var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(':');
                switch (sort, parts)
                {
                    case (LeadSort.CreatedAt, [var t, var i]) when long.TryParse(t, CultureInfo.InvariantCulture, out var ticks) && ticks >= 0
                        && ticks <= DateTimeOffset.MaxValue.UtcTicks && Guid.TryParseExact(i, "N", out var id):
                        position = new Position(sort, new DateTimeOffset(ticks, TimeSpan.Zero), null, id);
                        return true;
                    case (LeadSort.Fit, ["fit", var f, var i]) when Guid.TryParseExact(i, "N", out var id):
                        if (f.Length == 0)
                        {
                            position = new Position(sort, default, null, id);
                            return true;
                        }

                        if (decimal.TryParse(f, NumberStyles.Number, CultureInfo.InvariantCulture, out var fit))
                        {
                            position = new Position(sort, default, fit, id);
                            return true;
                        }

                        return false;
                    case (LeadSort.Engagement, ["engagement", var e, var i]) when Guid.TryParseExact(i, "N", out var id)
                        && decimal.TryParse(e, NumberStyles.Number, CultureInfo.InvariantCulture, out var engagement):
                        position = new Position(sort, default, engagement, id);
                        return true;
                    case (LeadSort.Likelihood, ["likelihood", var p, var i]) when Guid.TryParseExact(i, "N", out var id):
                        if (p.Length == 0)
                        {
                            position = new Position(sort, default, null, id);
                            return true;
                        }

                        if (double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var probability))
                        {
                            position = new Position(sort, default, null, id) { Probability = probability };
                            return true;
                        }

                        return false;
                }
            }
            catch (FormatException)
            {
            }

            return false;
        }
    }
}
