using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Leadgate.Common;
using Microsoft.Extensions.Primitives;

namespace Leadgate.Web.Api;

/// <summary>
/// The rules for query parameters, checked in one place for every endpoint (docs/api.md, "Query parameters"):
/// <list type="bullet">
/// <item>an enum is the whole name of one member, in any case, as in a JSON body. ASP.NET Core's own binding is
/// case-sensitive, takes <c>1</c> for the second member and <c>Mql,Sql</c> for the bit-or of two (which is a third stage);
/// so the values are checked and written in the member's own spelling before binding. A parameter that may repeat is
/// repeated (<c>stage=Mql&amp;stage=Sql</c>);</item>
/// <item>a parameter with a <see cref="RangeAttribute"/> (<c>limit</c>) outside its bounds is refused, never clamped.</item>
/// </list>
/// Either failure is a 400 problem naming the parameter.
/// </summary>
public static class QueryRules
{
    private static readonly ConcurrentDictionary<MethodInfo, (string Name, Type Enum)[]> EnumParameters = new();

    /// <summary>Enum values in the query: refused unless each is one member's name; rewritten in its spelling when it is.</summary>
    public static IApplicationBuilder UseQueryRules(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var handler = context.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>();
            var parameters = handler is null ? [] : EnumParameters.GetOrAdd(handler, Enums);
            if (parameters.Length == 0 || context.Request.Query.Count == 0)
            {
                await next(context);
                return;
            }

            var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.OrdinalIgnoreCase);
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var (name, type) in parameters)
            {
                if (!query.TryGetValue(name, out var values))
                {
                    continue;
                }

                var canonical = new string?[values.Count];
                for (var i = 0; i < values.Count; i++)
                {
                    if (!EnumNames.TryParse(type, values[i], out var member))
                    {
                        errors[name] = [Expected(name, type, values[i])];
                        break;
                    }

                    canonical[i] = member.ToString();
                }

                query[name] = new StringValues(canonical);
            }

            if (errors.Count > 0)
            {
                await Problems.WriteAsync(context, Problems.ToProblem(new Invalid(errors)));
                return;
            }

            context.Request.Query = new QueryCollection(query);
            await next(context);
        });

    /// <summary>Range checks on bound values (<c>limit</c>): a 400 naming the parameter, never a silent clamp.</summary>
    public static EndpointFilterDelegate Factory(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var checks = context.MethodInfo.GetParameters()
            .Select((parameter, index) => (Parameter: parameter, Index: index, Range: parameter.GetCustomAttribute<RangeAttribute>()))
            .Where(p => p.Range is not null)
            .ToArray();
        if (checks.Length == 0)
        {
            return next;
        }

        return invocation =>
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var (parameter, index, range) in checks)
            {
                if (invocation.Arguments[index] is { } bound && !InRange(range!, bound))
                {
                    errors[parameter.Name!] = [$"From {range!.Minimum} to {range.Maximum}."];
                }
            }

            return errors.Count == 0 ? next(invocation) : ValueTask.FromResult<object?>(Problems.ToResult(new Invalid(errors)));
        };
    }

    /// <summary>A value the range cannot even compare (NaN against a whole-number range, say) is outside it.</summary>
    private static bool InRange(RangeAttribute range, object value)
    {
        if (value is double d && !double.IsFinite(d) || value is float f && !float.IsFinite(f))
        {
            return false;
        }

        try
        {
            return range.IsValid(value);
        }
        catch (Exception e) when (e is OverflowException or InvalidCastException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    private static (string Name, Type Enum)[] Enums(MethodInfo handler) =>
        [.. handler.GetParameters()
            .Select(p => (Name: p.Name!, Type: ElementOf(p.ParameterType)))
            .Where(p => p.Type.IsEnum)];

    private static Type ElementOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        type = type.IsArray ? type.GetElementType()! : type;
        return Nullable.GetUnderlyingType(type) ?? type;
    }

    private static string Expected(string name, Type type, string? value) =>
        value?.Contains(',', StringComparison.Ordinal) == true
            ? $"One value per parameter: repeat it ({name}=A&{name}=B). One of: {string.Join(", ", Enum.GetNames(type))}."
            : $"One of: {string.Join(", ", Enum.GetNames(type))}.";
}
