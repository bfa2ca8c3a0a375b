using System.CommandLine;
using Leadgate.Accounts;

namespace Leadgate.Web.Cli;

/// <summary><c>leadgate orgs add</c>: a new organisation (tenant) with the default reason lists.</summary>
internal static class OrganisationVerbs
{
    public static Command Create(CliContext cli)
    {
        var slug = new Option<string>("--slug") { Description = "Short name in URLs and commands: 2–40 lower-case letters, digits or dashes", Required = true };
        var name = new Option<string>("--name") { Description = "Display name, such as \"Acme B.V.\"", Required = true };
        var currency = new Option<string?>("--currency") { Description = "Default deal currency (ISO 4217); EUR when left out" };
        var add = new Command("add", "Create an organisation") { slug, name, currency };
        add.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var created = await services.GetRequiredService<CreateOrganisation>()
                .HandleAsync(parse.GetValue(slug), parse.GetValue(name), parse.GetValue(currency), cancellationToken);
            if (created.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var organisation = created.Value;
            await cli.Console.Output.WriteLineAsync(
                $"Organisation '{organisation.Slug}' created: {organisation.Name}, currency {organisation.DefaultCurrency}, id {organisation.Id}.");
            return ExitCodes.Ok;
        }, cancellationToken));

        return new Command("orgs", "Organisations (tenants)") { add };
    }
}
