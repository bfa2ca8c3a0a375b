using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Leadgate.Common;

namespace Leadgate.Web.Api;

/// <summary>
/// The rules for query parameters, checked in one place for every endpoint (docs/api.md, "Query parameters"):
/// <list type="bullet">
/// <item>an enum is the whole name of one member, in any case, as in a JSON body: ASP.NET Core's own binding would take
/// <c>1</c> for the second member and <c>Mql,Sql</c> for the bit-or of two (which is a third stage); a parameter that may
/// repeat is repeated (<c>stage=Mql&amp;stage=Sql</c>);</item>
/// <item>a parameter with a <see cref="RangeAttribute"/> (<c>limit</c>) outside its bounds is refused, never clamped.</item>
/// </list>
/// Either failure is a 400 problem naming the parameter.
/// </summary>
public static class QueryRules
{
    public static EndpointFilterDelegate Factory(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var checks = context.MethodInfo.GetParameters()
            .Select((parameter, index) => Check.Of(parameter, index))
            .OfType<Check>()
            .ToArray();
        if (checks.Length == 0)
        {
            return next;
        }

        return invocation =>
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            foreach (var check in checks)
            {
                if (check.Problem(invocation) is { } problem)
                {
                    errors[check.Name] = [problem];
                }
            }

            return errors.Count == 0 ? next(invocation) : ValueTask.FromResult<object?>(Problems.ToResult(new Invalid(errors)));
        };
    }

    private sealed record Check(string Name, int Index, Type? EnumType, RangeAttribute? Range)
    {
        public static Check? Of(ParameterInfo parameter, int index)
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            var element = type.IsArray ? type.GetElementType()! : type;
            element = Nullable.GetUnderlyingType(element) ?? element;
            var range = parameter.GetCustomAttribute<RangeAttribute>();
            return element.IsEnum || range is not null ? new Check(parameter.Name!, index, element.IsEnum ? element : null, range) : null;
        }

        public string? Problem(EndpointFilterInvocationContext invocation)
        {
            if (EnumType is not null)
            {
                foreach (var value in invocation.HttpContext.Request.Query[Name])
                {
                    if (!EnumNames.TryParse(EnumType, value, out _))
                    {
                        return value?.Contains(',', StringComparison.Ordinal) == true
                            ? $"One value per parameter: repeat it ({Name}=A&{Name}=B). One of: {string.Join(", ", Enum.GetNames(EnumType))}."
                            : $"One of: {string.Join(", ", Enum.GetNames(EnumType))}.";
                    }
                }
            }

            return Range is not null && invocation.Arguments[Index] is { } bound && !Range.IsValid(bound)
                ? $"From {Range.Minimum} to {Range.Maximum}."
                : null;
        }
    }
}
