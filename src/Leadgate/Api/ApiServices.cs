using System.Text.Json;
using Leadgate.Web.Auth;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.OpenApi;

namespace Leadgate.Web.Api;

public static class ApiServices
{
    public static IServiceCollection AddLeadgateApi(this IServiceCollection services)
    {
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Leadgate API";
            document.Info.Description = "Leads from MQL to SQL to customer. Authenticate with an API key as 'Authorization: Bearer YOUR_KEY' "
                + "(create one under API keys in the app, or with `leadgate apikeys create`).";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["ApiKey"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A personal Leadgate API key; it acts as its user.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("ApiKey", document)] = [] }];
            return Task.CompletedTask;
        }));
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<BadRequestHandler>();

        // A body that cannot be bound throws, so BadRequestHandler can name the field instead of an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddScoped<Idempotency>();
        return services;
    }

    public static IEndpointRouteBuilder MapLeadgateApi(this WebApplication app)
    {
        app.UseIdempotencyBuffering();
        var api = app.MapGroup("/api/v1").RequireAuthorization(AuthServices.Member);
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
        app.MapPublicIntake();
        return app;
    }

    /// <summary>
    /// A body that cannot be read (bad JSON, a wrong type, a value out of range) becomes a 400 problem naming the field;
    /// every other exception is a bug, answered as a bare 500 by the default handler without a stack trace.
    /// </summary>
    private sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException badRequest)
            {
                return false;
            }

            var field = badRequest.InnerException is JsonException json ? JsonErrors.FieldOf(json) : "body";
            var detail = badRequest.InnerException is JsonException
                ? $"The field '{field}' has a value of the wrong type or format."
                : badRequest.Message;
            httpContext.Response.StatusCode = badRequest.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = new Microsoft.AspNetCore.Http.HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
                {
                    Status = badRequest.StatusCode,
                    Type = Problems.TypeBase + "validation",
                    Title = "The request could not be read",
                    Detail = detail,
                },
                Exception = exception,
            });
        }
    }
}
