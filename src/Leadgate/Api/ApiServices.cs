using System.Text.Json;
using Leadgate.Web.Auth;
using Leadgate.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace Leadgate.Web.Api;

public static partial class ApiServices
{
    public static IServiceCollection AddLeadgateApi(this IServiceCollection services)
    {
        services.AddOpenApi(options => ApiDocument.Configure(options));
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context => Problems.Complete(context.HttpContext, context.ProblemDetails));
        services.AddExceptionHandler<BadRequestHandler>();

        // A body that cannot be bound throws, so BadRequestHandler can name the field instead of an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddScoped<Idempotency>();
        return services;
    }

    public static IEndpointRouteBuilder MapLeadgateApi(this WebApplication app)
    {
        app.UseJsonBodyGuard();
        app.UseQueryRules();
        app.UseIdempotencyBuffering();
        var api = app.MapGroup("/api/v1").RequireAuthorization(AuthServices.Member).RequireRateLimiting(RateLimits.Api);
        api.AddEndpointFilterFactory(QueryRules.Factory);
        api.MapLeads();
        api.MapDeals();
        api.MapScoring();
        api.MapHandover();
        api.MapDirectory();
        api.MapImports();
        api.MapIntakeSettings();
        api.MapNotifications();
        api.MapQualification();
        api.MapModels();
        api.MapReports();
        api.MapPrivacy();
        api.MapAgency();
        app.MapPublicIntake();
        return app;
    }

    /// <summary>
    /// A request the framework could not bind (bad JSON, a wrong type, a missing body, a query value that is not a number,
    /// a body too large) becomes a problem naming the field or parameter as the client wrote it, never a C# type; every
    /// other exception is a bug, answered as a 500 problem with a trace id and without a stack trace.
    /// </summary>
    private sealed partial class BadRequestHandler : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException badRequest)
            {
                return false;
            }

            var problem = badRequest.StatusCode == StatusCodes.Status400BadRequest
                ? Problems.ToProblem(Unbound(badRequest))
                : new ProblemDetails { Status = badRequest.StatusCode };
            await Problems.WriteAsync(httpContext, problem);
            return true;
        }

        private static Invalid Unbound(BadHttpRequestException exception)
        {
            if (exception.InnerException is JsonException json)
            {
                var field = JsonErrors.FieldOf(json);
                return Invalid.Field(field, JsonErrors.Explain(json));
            }

            // The framework's messages (RequestDelegateFactory) name the parameter as "Type name"; the client knows it by
            // its name alone. A body that is missing or empty is named "body".
            var message = exception.Message;
            if (message.Contains("no body was provided", StringComparison.Ordinal) || message.Contains("was not provided from body", StringComparison.Ordinal)
                || message.Contains("from the request body", StringComparison.Ordinal))
            {
                return Invalid.Field("body", "Send a JSON object as the request body.");
            }

            var match = ParameterPattern().Match(message);
            if (!match.Success)
            {
                return Invalid.Field("body", "The request could not be read.");
            }

            var (type, name) = (match.Groups["type"].Value, match.Groups["name"].Value);

            return exception.Message.StartsWith("Required", StringComparison.Ordinal)
                ? Invalid.Field(name, "This parameter is required.")
                : Invalid.Field(name, $"This value is not {Expected(type)}.");
        }

        private static string Expected(string type) => Unwrapped(type) switch
        {
            "int" or "long" or "short" or "Int32" or "Int64" => "a whole number",
            "decimal" or "double" or "float" or "Decimal" => "a number",
            "Guid" => "a UUID",
            "bool" or "Boolean" => "true or false",
            "DateOnly" => "a date (YYYY-MM-DD)",
            "DateTimeOffset" or "DateTime" => "a date and time (ISO 8601)",
            "TimeOnly" => "a time (HH:mm)",
            _ => "of the expected form",
        };

        /// <summary>"Nullable&lt;Guid&gt;", "Guid?", "Int32[]" → "Guid", "Int32".</summary>
        private static string Unwrapped(string type)
        {
            type = type.TrimEnd('?', ']', '[');
            return type.StartsWith("Nullable<", StringComparison.Ordinal) ? type["Nullable<".Length..^1] : type;
        }

        [System.Text.RegularExpressions.GeneratedRegex("parameter \"(?<type>[^\"]+) (?<name>[^\" ]+)\"")]
        private static partial System.Text.RegularExpressions.Regex ParameterPattern();
    }
}
