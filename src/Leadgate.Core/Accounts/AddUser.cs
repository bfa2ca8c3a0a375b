using System.Security.Cryptography;
using Leadgate.Common;
using Leadgate.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Leadgate.Accounts;

public sealed record UserView(Guid Id, string Email, string DisplayName, IReadOnlyList<string> Roles);

public sealed record AddedUser(UserView User, string? GeneratedPassword);

/// <summary>Adds a person to an organisation with one or more roles. Without a password one is generated and shown once.</summary>
public sealed class AddUser(LeadgateDbContext db, UserManager<User> users, RoleManager<IdentityRole<Guid>> roles, TimeProvider clock)
{
    public async Task<Result<AddedUser>> HandleAsync(
        string organisationSlug, string? email, IEnumerable<string> roleNames, string? password, string? displayName, CancellationToken cancellationToken)
    {
        var organisation = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Slug == organisationSlug, cancellationToken);
        if (organisation is null)
        {
            return new NotFound("Organisation", organisationSlug);
        }

        var parsedEmail = EmailAddress.Parse(email);
        if (parsedEmail.Error is { } invalidEmail)
        {
            return invalidEmail;
        }

        var requested = roleNames.ToList();
        var canonical = requested.Select(Roles.Normalise).ToList();
        if (requested.Count == 0 || canonical.Any(r => r is null))
        {
            return Invalid.Field("role", $"Use one of {string.Join(", ", Roles.All)}.");
        }

        if (await users.FindByEmailAsync(parsedEmail.Value.Value) is not null)
        {
            return new Conflict("user-exists", "A user with this e-mail address already exists.");
        }

        var generated = password is null ? GeneratePassword() : null;
        var user = new User
        {
            Id = Ids.New(),
            OrganisationId = organisation.Id,
            UserName = parsedEmail.Value.Value,
            Email = parsedEmail.Value.Value,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(displayName) ? NameFrom(parsedEmail.Value) : displayName.Trim(),
        };
        var created = await users.CreateAsync(user, password ?? generated!);
        if (!created.Succeeded)
        {
            return Invalid.Field(created.Errors.Any(e => e.Code.StartsWith("Password", StringComparison.Ordinal)) ? "password" : "email",
                string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        foreach (var role in canonical.Distinct())
        {
            if (!await roles.RoleExistsAsync(role!))
            {
                await roles.CreateAsync(new IdentityRole<Guid>(role!) { Id = Ids.New() });
            }
        }

        await users.AddToRolesAsync(user, canonical.Distinct()!);
        // Users are added at the command line (or by the demo seed): the system, in the audit log, with the roles' field name.
        db.AuditEntries.Add(Privacy.AuditEntry.Record(organisation.Id, ActorKind.System, null, "", "user.added", "User", user.Id, "email,displayName,roles", clock.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
        return new AddedUser(new UserView(user.Id, user.Email, user.DisplayName, [.. canonical.Distinct()!]), generated);
    }

    private static string NameFrom(EmailAddress email)
    {
        var local = email.Value[..email.Value.IndexOf('@')];
        return string.Join(' ', local.Split('.', '_', '-').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    private static string GeneratePassword() =>
        "Lg-" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y') + "9a";
}

/// <summary>The users of the caller's organisation, for owner pickers and the API.</summary>
public sealed class ListUsers(LeadgateDbContext db)
{
    public async Task<IReadOnlyList<UserView>> HandleAsync(Actor actor, string? role, CancellationToken cancellationToken)
    {
        var rows = await (
            from user in db.Users.AsNoTracking()
            where user.OrganisationId == actor.OrganisationId
            join userRole in db.UserRoles on user.Id equals userRole.UserId into userRoles
            from userRole in userRoles.DefaultIfEmpty()
            join r in db.Roles on userRole.RoleId equals r.Id into roleRows
            from r in roleRows.DefaultIfEmpty()
            select new { user.Id, user.Email, user.DisplayName, Role = r == null ? null : r.Name })
            .ToListAsync(cancellationToken);
        return [.. rows
            .GroupBy(r => (r.Id, r.Email, r.DisplayName))
            .Select(g => new UserView(g.Key.Id, g.Key.Email!, g.Key.DisplayName, [.. g.Select(r => r.Role).OfType<string>().Order(StringComparer.Ordinal)]))
            .Where(u => role is null || u.Roles.Contains(role))
            .OrderBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase)];
    }
}
