using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Leadgate.Data;
using Leadgate.Web.Auth;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Leadgate.Web.Api;

/// <summary>
/// <c>Idempotency-Key</c> on writes: the first request runs in one transaction together with the record of its answer;
/// a retry with the same key and body gets that answer again and changes nothing; the same key with another body is
/// refused (422). Keys are kept per user.
/// </summary>
public sealed class Idempotency(LeadgateDbContext db, TimeProvider clock, IOptions<JsonOptions> json) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(Header, out var sent))
        {
            return await next(context);
        }

        // Sent but empty, or sent twice, is a client's mistake to hear about, not a request without a key.
        var key = sent.Count == 1 ? sent.ToString() : "";
        if (key.Length is 0 or > MaxKeyLength || key.Any(char.IsControl))
        {
            return Problems.ToResult(Common.Invalid.Field(Header, $"One key of 1 to {MaxKeyLength} printable characters."));
        }

        var actor = http.User.ToActor(Accounts.Channel.Api);
        if (actor?.UserId is not { } userId)
        {
            return await next(context);
        }

        var requestHash = await HashAsync(http.Request);
        var earlier = await FindAsync(actor.OrganisationId, userId, key, http.RequestAborted);
        if (earlier is not null)
        {
            return Replay(earlier, requestHash);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
        var result = await next(context);
        var record = Capture(result, http, actor.OrganisationId, userId, key, requestHash);
        if (record is null)
        {
            return result;
        }

        db.ChangeTracker.Clear();
        db.IdempotencyRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
            await transaction.CommitAsync(http.RequestAborted);
            return result;
        }
        catch (DbUpdateException)
        {
            // The same key was used by a request running at the same moment, which committed first: undo this one
            // and answer as that one did.
            await transaction.RollbackAsync(http.RequestAborted);
            db.ChangeTracker.Clear();
            var winner = await FindAsync(actor.OrganisationId, userId, key, http.RequestAborted);
            return winner is null ? result : Replay(winner, requestHash);
        }
    }

    private Task<IdempotencyRecord?> FindAsync(Guid organisationId, Guid userId, string key, CancellationToken cancellationToken) =>
        db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.OrganisationId == organisationId && r.UserId == userId && r.Key == key, cancellationToken);

    private static IResult Replay(IdempotencyRecord record, string requestHash) =>
        record.RequestHash == requestHash
            ? new StoredResponse(record)
            : Problems.Problem(StatusCodes.Status422UnprocessableEntity, "idempotency-key-reused", "Idempotency-Key reused",
                "This Idempotency-Key was already used for a different request; use a new key for a new request.");

    private IdempotencyRecord? Capture(object? result, HttpContext http, Guid organisationId, Guid userId, string key, string requestHash)
    {
        // Results<Created<T>, Ok<T>, ProblemHttpResult> wraps the result that was actually chosen.
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        var status = (result as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        if (status >= 500 || result is StoredResponse)
        {
            return null;
        }

        var value = (result as IValueHttpResult)?.Value;
        var isProblem = value is Microsoft.AspNetCore.Mvc.ProblemDetails;
        if (value is Microsoft.AspNetCore.Mvc.ProblemDetails problem)
        {
            // Completed now, as the host completes it on the way out, so the stored answer has its instance and trace id too.
            Problems.Complete(http, problem);
        }

        return new IdempotencyRecord
        {
            OrganisationId = organisationId,
            UserId = userId,
            Key = key,
            RequestHash = requestHash,
            StatusCode = status,
            Location = LocationOf(result),
            ETag = http.Response.Headers.ETag.ToString() is { Length: > 0 } etag ? etag : null,
            ContentType = value is null ? null : isProblem ? "application/problem+json" : "application/json; charset=utf-8",
            Body = value is null ? null : JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json.Value.SerializerOptions),
            CreatedAt = clock.GetUtcNow(),
        };
    }

    // Created<T>, CreatedAtRoute<T> and Accepted<T> each carry their own Location property.
    private static string? LocationOf(object? result) =>
        result?.GetType().GetProperty("Location")?.GetValue(result) as string;

    private static async Task<string> HashAsync(HttpRequest request)
    {
        request.Body.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var buffer = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>An earlier answer, sent again byte for byte.</summary>
    private sealed class StoredResponse(IdempotencyRecord record) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => record.StatusCode;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = record.StatusCode;
            response.Headers["Idempotent-Replayed"] = "true";
            if (record.Location is not null)
            {
                response.Headers.Location = record.Location;
            }

            if (record.ETag is not null)
            {
                response.Headers.ETag = record.ETag;
            }

            if (record.Body is not null)
            {
                response.ContentType = record.ContentType;
                await response.Body.WriteAsync(record.Body);
            }
        }
    }
}

public static class IdempotencyEndpoints
{
    /// <summary>Makes the body readable twice (binding, then hashing) for requests that carry an Idempotency-Key.</summary>
    public static IApplicationBuilder UseIdempotencyBuffering(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Headers.ContainsKey(Idempotency.Header))
            {
                context.Request.EnableBuffering();
            }

            return next(context);
        });

    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter<TBuilder, Idempotency>().WithMetadata(IdempotentWrite.Instance);
}
