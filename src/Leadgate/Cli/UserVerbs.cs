using System.CommandLine;
using Leadgate.Accounts;

namespace Leadgate.Web.Cli;

/// <summary><c>leadgate users add</c>: a person in an organisation, with one or more roles.</summary>
internal static class UserVerbs
{
    public static Command Create(CliContext cli)
    {
        var organisation = new Option<string>("--org") { Description = "The organisation's slug", Required = true };
        var email = new Option<string>("--email") { Description = "E-mail address; it is also the user name", Required = true };
        var role = new Option<string[]>("--role")
        {
            Description = $"{string.Join(", ", Roles.All)}; repeat the option or separate with commas for several",
            Required = true,
        };
        var password = new Option<string?>("--password") { Description = "Initial password; when left out one is generated and printed once" };
        var name = new Option<string?>("--name") { Description = "Display name; taken from the e-mail address when left out" };
        var add = new Command("add", "Add a user to an organisation") { organisation, email, role, password, name };
        add.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var roles = (parse.GetValue(role) ?? []).SelectMany(r => r.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            var added = await services.GetRequiredService<AddUser>().HandleAsync(
                parse.GetValue(organisation)!, parse.GetValue(email), roles, parse.GetValue(password), parse.GetValue(name), cancellationToken);
            if (added.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var user = added.Value.User;
            await cli.Console.Output.WriteLineAsync(
                $"User {user.Email} ({user.DisplayName}) added to '{parse.GetValue(organisation)}' as {string.Join(", ", user.Roles)}; id {user.Id}.");
            if (added.Value.GeneratedPassword is { } generated)
            {
                await cli.Console.Output.WriteLineAsync("Generated password, shown once:");
                await cli.Console.Output.WriteLineAsync(generated);
            }

            return ExitCodes.Ok;
        }, cancellationToken));

        return new Command("users", "Users and their roles") { add };
    }
}
