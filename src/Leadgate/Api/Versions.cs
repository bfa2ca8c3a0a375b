using System.Globalization;
using Leadgate.Common;

namespace Leadgate.Web.Api;

/// <summary>ETag and If-Match: a lead's or deal's version, as a strong entity tag.</summary>
public static class Versions
{
    public static string ETagOf(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The version the caller says it read; null when it sent no If-Match (or "*"). A malformed tag is an error
    /// naming the header.
    /// </summary>
    public static Result<long?> ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*")
        {
            return (long?)null;
        }

        if (header.Length > 2 && header[0] == '"' && header[^1] == '"'
            && long.TryParse(header.AsSpan(1, header.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return (long?)version;
        }

        return Invalid.Field("If-Match", "Send the ETag you read, such as \"3\" (weak tags do not match).");
    }

    public static void SetETag(this HttpResponse response, long version) => response.Headers.ETag = ETagOf(version);

    /// <summary>
    /// The endpoint answers with a versioned resource (an ETag on success) and, when <paramref name="takesIfMatch"/>,
    /// checks If-Match (a 412 when it changed): the OpenAPI document says so (<see cref="ApiDocument"/>).
    /// </summary>
    public static TBuilder Versioned<TBuilder>(this TBuilder builder, bool takesIfMatch = true)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new VersionedResource(takesIfMatch));
}

/// <summary>Endpoint metadata: the answer carries an ETag; <see cref="TakesIfMatch"/> when the endpoint reads If-Match.</summary>
public sealed record VersionedResource(bool TakesIfMatch);

/// <summary>Endpoint metadata: the endpoint takes an Idempotency-Key (<see cref="Idempotency"/>).</summary>
public sealed record IdempotentWrite
{
    public static readonly IdempotentWrite Instance = new();
}
