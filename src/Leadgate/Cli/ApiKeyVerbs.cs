using System.CommandLine;
using System.Globalization;
using Leadgate.Accounts;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Web.Cli;

/// <summary><c>leadgate apikeys create|list|revoke</c>: personal API keys, which act as their user.</summary>
internal static class ApiKeyVerbs
{
    public static Command Create(CliContext cli) =>
        new("apikeys", "Personal API keys for scripts and integrations") { CreateKey(cli), ListKeys(cli), RevokeKey(cli) };

    private static Command CreateKey(CliContext cli)
    {
        var organisation = OrganisationOption();
        var user = UserOption();
        var name = new Option<string>("--name") { Description = "What the key is for, so you can tell your keys apart", Required = true };
        var create = new Command("create", "Issue a key for a user; the key is printed once, alone on the last line") { organisation, user, name };
        create.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var slug = CliContext.Slug(parse.GetValue(organisation));
            var issued = await services.GetRequiredService<CreateApiKey>().HandleAsync(slug, parse.GetValue(user), parse.GetValue(name), cancellationToken);
            if (issued.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var key = issued.Value.Key;
            await cli.Console.Output.WriteLineAsync(
                $"Key '{key.Name}' created for {parse.GetValue(user)!.Trim()} in '{slug}' (id {key.Id}); it is shown once:");
            await cli.Console.Output.WriteLineAsync(issued.Value.Secret);
            return ExitCodes.Ok;
        }, cancellationToken));
        return create;
    }

    private static Command ListKeys(CliContext cli)
    {
        var organisation = OrganisationOption();
        var user = UserOption();
        var list = new Command("list", "List a user's keys (never the keys themselves)") { organisation, user };
        list.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var slug = CliContext.Slug(parse.GetValue(organisation));
            var owner = await UserAsync(services.GetRequiredService<LeadgateDbContext>(), slug, parse.GetValue(user), cancellationToken);
            if (owner.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var keys = await services.GetRequiredService<ListApiKeys>().HandleAsync(owner.Value, cancellationToken);
            await WriteTableAsync(cli.Console.Output, keys);
            return ExitCodes.Ok;
        }, cancellationToken));
        return list;
    }

    private static Command RevokeKey(CliContext cli)
    {
        var organisation = OrganisationOption();
        var id = new Option<Guid>("--id") { Description = "The key's id, as `apikeys list` shows it", Required = true };
        var revoke = new Command("revoke", "Revoke a key at once; the next request with it is refused") { organisation, id };
        revoke.SetAction((parse, cancellationToken) => cli.RunAsync(async services =>
        {
            var slug = CliContext.Slug(parse.GetValue(organisation));
            var organisationId = await services.GetRequiredService<LeadgateDbContext>().Organisations
                .Where(o => o.Slug == slug).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(cancellationToken);
            if (organisationId is null)
            {
                return await cli.Console.FailAsync(new NotFound("Organisation", slug));
            }

            // The operator at the console acts for the organisation as a whole, as an admin may revoke any of its keys.
            var operatorActor = new Actor(ActorKind.System, organisationId.Value, null, "leadgate cli", new HashSet<string>(), Channel.Cli);
            var revoked = await services.GetRequiredService<RevokeApiKey>().HandleAsync(parse.GetValue(id), operatorActor, cancellationToken);
            if (revoked.Error is { } error)
            {
                return await cli.Console.FailAsync(error);
            }

            var key = revoked.Value;
            await cli.Console.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Key {key.Id} ('{key.Name}', {ApiKey.KeyPrefix}{key.Prefix}) is revoked since {key.RevokedAt:yyyy-MM-dd HH:mm:ss}Z."));
            return ExitCodes.Ok;
        }, cancellationToken));
        return revoke;
    }

    private static Option<string> OrganisationOption() => new("--org") { Description = "The organisation's slug", Required = true };

    private static Option<string> UserOption() => new("--user") { Description = "The user's e-mail address", Required = true };

    /// <summary>The user as an actor of their organisation, found by slug and e-mail as the CLI names them.</summary>
    private static async Task<Result<Actor>> UserAsync(LeadgateDbContext db, string slug, string? email, CancellationToken cancellationToken)
    {
        var address = EmailAddress.Parse(email, "user");
        if (address.Error is { } invalid)
        {
            return invalid;
        }

        var normalised = address.Value.Value.ToUpperInvariant();
        var user = await (
            from u in db.Users.AsNoTracking()
            join o in db.Organisations on u.OrganisationId equals o.Id
            where o.Slug == slug && u.NormalizedEmail == normalised
            select new { u.Id, u.DisplayName, OrganisationId = o.Id }).FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return await db.Organisations.AnyAsync(o => o.Slug == slug, cancellationToken)
                ? new NotFound("User", address.Value.Value)
                : new NotFound("Organisation", slug);
        }

        return Actor.ForUser(user.OrganisationId, user.Id, user.DisplayName, [], Channel.Cli);
    }

    private static async Task WriteTableAsync(TextWriter output, IReadOnlyList<ApiKeyView> keys)
    {
        string[] header = ["ID", "NAME", "PREFIX", "CREATED", "LAST USED", "STATUS"];
        var rows = keys.Select(k => new[]
        {
            k.Id.ToString(),
            k.Name,
            ApiKey.KeyPrefix + k.Prefix,
            Moment(k.CreatedAt),
            k.LastUsedAt is { } used ? Moment(used) : "never",
            k.RevokedAt is { } revoked ? "revoked " + Moment(revoked) : "active",
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
        }
    }

    private static string Moment(DateTimeOffset moment) =>
        moment.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", CultureInfo.InvariantCulture);
}
