using Leadgate.Accounts;
using Leadgate.Web.Cli;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Leadgate.Tests.Cli;

/// <summary>The administrative verbs, run in-process as a script runs them: exit codes, output, and what they changed.</summary>
public sealed class AdminVerbTests(SqliteCliDatabase database) : IClassFixture<SqliteCliDatabase>
{
    private static string NewSlug() => "t-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task OrgsAdd_CreatesTheOrganisation_AndTheSameSlugAgainIsAConflict()
    {
        var slug = NewSlug();

        var created = (await database.RunAsync("orgs", "add", "--slug", slug, "--name", "Acme B.V.", "--currency", "gbp")).Succeeded();
        var again = await database.RunAsync("orgs", "add", "--slug", slug, "--name", "Acme again");

        Assert.Contains($"Organisation '{slug}' created: Acme B.V., currency GBP", created.Output, StringComparison.Ordinal);
        Assert.Equal(4, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrgsAdd_WithInvalidInput_NamesEveryFieldOnStderr_AndExitsWith2()
    {
        var run = await database.RunAsync("orgs", "add", "--slug", "Not a slug", "--name", " ", "--currency", "EURO");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Output);
        Assert.Contains("slug: A slug is 2 to 40 lower-case letters", run.Error, StringComparison.Ordinal);
        Assert.Contains("name: A name of 1 to 200 characters is required.", run.Error, StringComparison.Ordinal);
        Assert.Contains("currency: Use a three-letter ISO 4217 currency code", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersAdd_WithoutPassword_PrintsAGeneratedOneOnTheLastLine_ThatSignsIn()
    {
        var slug = await NewOrganisationAsync();

        var run = (await database.RunAsync("users", "add", "--org", slug, "--email", $"Noor@{slug}.example.com", "--role", "sales,Manager", "--name", "Noor de Vries")).Succeeded();

        var password = run.OutputLines[^1];
        await using var app = await database.ServicesAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var user = await users.FindByEmailAsync($"noor@{slug}.example.com");
        Assert.NotNull(user);
        Assert.Equal("Noor de Vries", user.DisplayName);
        Assert.True(await users.CheckPasswordAsync(user, password), $"'{password}' is not the user's password.");
        Assert.Equal([Roles.Manager, Roles.Sales], (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task UsersAdd_WithAGivenPassword_DoesNotPrintIt()
    {
        var slug = await NewOrganisationAsync();

        var run = (await database.RunAsync("users", "add", "--org", slug, "--email", $"mia@{slug}.example.com", "--role", "Marketing", "--password", "Chosen-secret-42")).Succeeded();

        Assert.DoesNotContain("Chosen-secret-42", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("password", run.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("not-an-email", "Sales", "email: This is not a valid e-mail address.")]
    [InlineData("ok@example.com", "Boss", "role: Use one of Admin, Marketing, Sales, Manager.")]
    public async Task UsersAdd_WithInvalidInput_NamesTheField_AndExitsWith2(string email, string role, string message)
    {
        var slug = await NewOrganisationAsync();

        var run = await database.RunAsync("users", "add", "--org", slug, "--email", email, "--role", role);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(message, run.Error.Trim());
    }

    [Fact]
    public async Task UsersAdd_InAnUnknownOrganisation_ExitsWith3()
    {
        var run = await database.RunAsync("users", "add", "--org", "no-such-org", "--email", "someone@example.com", "--role", "Sales");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("Organisation 'no-such-org' was not found.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeysCreate_PrintsTheKeyAloneOnTheLastLine_AndTheKeyActsAsItsUser()
    {
        var slug = await NewOrganisationAsync();
        var email = $"sam@{slug}.example.com";
        (await database.RunAsync("users", "add", "--org", slug, "--email", email, "--role", "Sales", "--password", "Sam-secret-1")).Succeeded();

        var run = (await database.RunAsync("apikeys", "create", "--org", slug, "--user", email, "--name", "import script")).Succeeded();

        var key = run.Output.TrimEnd('\n', '\r').Split('\n')[^1];
        Assert.StartsWith(ApiKey.KeyPrefix, key, StringComparison.Ordinal);
        Assert.DoesNotContain(' ', key);
        await using var app = await database.ServicesAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var authenticated = await scope.ServiceProvider.GetRequiredService<AuthenticateApiKey>().HandleAsync(key, TestContext.Current.CancellationToken);
        Assert.NotNull(authenticated);
        Assert.Equal([Roles.Sales], authenticated.Roles);
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<User>>().FindByEmailAsync(email);
        Assert.Equal(user!.Id, authenticated.UserId);
    }

    [Fact]
    public async Task ApiKeysList_ShowsTheKeysOfTheUser_ButNeverTheirSecret()
    {
        var slug = await NewOrganisationAsync();
        var email = $"sam@{slug}.example.com";
        (await database.RunAsync("users", "add", "--org", slug, "--email", email, "--role", "Sales", "--password", "Sam-secret-1")).Succeeded();
        var secret = (await database.RunAsync("apikeys", "create", "--org", slug, "--user", email, "--name", "nightly export")).Succeeded().OutputLines[^1];

        var run = (await database.RunAsync("apikeys", "list", "--org", slug, "--user", email)).Succeeded();

        Assert.Equal(2, run.OutputLines.Count);
        Assert.StartsWith("ID", run.OutputLines[0], StringComparison.Ordinal);
        Assert.Contains("nightly export", run.OutputLines[1], StringComparison.Ordinal);
        Assert.Contains(secret[..13], run.OutputLines[1], StringComparison.Ordinal);
        Assert.EndsWith("active", run.OutputLines[1], StringComparison.Ordinal);
        Assert.DoesNotContain(secret, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeysRevoke_StopsTheKey_AndAnotherOrganisationCannotRevokeIt()
    {
        var slug = await NewOrganisationAsync();
        var other = await NewOrganisationAsync();
        var email = $"sam@{slug}.example.com";
        (await database.RunAsync("users", "add", "--org", slug, "--email", email, "--role", "Sales", "--password", "Sam-secret-1")).Succeeded();
        var created = (await database.RunAsync("apikeys", "create", "--org", slug, "--user", email, "--name", "ci")).Succeeded();
        var secret = created.OutputLines[^1];
        var id = created.OutputLines[0].Split("(id ")[1].Split(')')[0];

        var fromOtherOrganisation = await database.RunAsync("apikeys", "revoke", "--org", other, "--id", id);
        var revoked = (await database.RunAsync("apikeys", "revoke", "--org", slug, "--id", id)).Succeeded();

        Assert.Equal(3, fromOtherOrganisation.ExitCode);
        Assert.Contains("revoked", revoked.Output, StringComparison.Ordinal);
        await using var app = await database.ServicesAsync();
        await using var scope = app.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<AuthenticateApiKey>().HandleAsync(secret, TestContext.Current.CancellationToken));
        Assert.Contains("revoked", (await database.RunAsync("apikeys", "list", "--org", slug, "--user", email)).OutputLines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeysCreate_ForAnUnknownUser_ExitsWith3()
    {
        var slug = await NewOrganisationAsync();

        var run = await database.RunAsync("apikeys", "create", "--org", slug, "--user", $"nobody@{slug}.example.com", "--name", "x");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"User 'nobody@{slug}.example.com' was not found.", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Theory]
    [InlineData(new[] { "orgs", "add", "--slug", "acme" }, "Option '--name' is required.")]
    [InlineData(new[] { "apikeys", "revoke", "--org", "acme", "--id", "not-a-guid" }, "--id")]
    [InlineData(new[] { "orgz", "add" }, "'orgz'")]
    [InlineData(new[] { "apikeys" }, "Required command was not provided.")]
    public async Task BadUsage_IsReportedOnStderr_AndExitsWith2(string[] args, string message)
    {
        var run = await database.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Contains("--help", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Help_ListsEveryVerb()
    {
        var run = (await database.RunAsync("--help")).Succeeded();

        foreach (var verb in new[] { "serve", "orgs", "users", "apikeys", "demo" })
        {
            Assert.Contains(verb, run.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "--urls", "http://0.0.0.0:8080" }, false)]
    [InlineData(new[] { "--contentRoot=/srv/leadgate", "--environment=Development", "--applicationName=leadgate" }, false)]
    [InlineData(new[] { "serve", "--urls", "http://0.0.0.0:8080" }, true)]
    [InlineData(new[] { "--Database:Provider=Postgres", "apikeys", "list" }, true)]
    [InlineData(new[] { "--Database:Provider", "Postgres", "demo" }, true)]
    [InlineData(new[] { "orgz", "add" }, true)]
    [InlineData(new[] { "--help" }, true)]
    public void IsVerb_TellsAVerbFromServerConfiguration(string[] args, bool isVerb) =>
        Assert.Equal(isVerb, LeadgateCli.IsVerb(args));

    [Fact]
    public void Split_SendsConfigurationSwitchesToTheHost_AndTheRestToTheVerb()
    {
        var (configuration, commandLine) = LeadgateCli.Split(
            ["--Database:Provider", "Postgres", "users", "add", "--Database:ConnectionString=Host=db;Database=x", "--email", "a@b.nl", "--environment", "Staging", "--name", "A:B"]);

        Assert.Equal(["--Database:Provider", "Postgres", "--Database:ConnectionString=Host=db;Database=x", "--environment", "Staging"], configuration);
        Assert.Equal(["users", "add", "--email", "a@b.nl", "--name", "A:B"], commandLine);
    }

    private async Task<string> NewOrganisationAsync()
    {
        var slug = NewSlug();
        (await database.RunAsync("orgs", "add", "--slug", slug, "--name", "Test organisation")).Succeeded();
        return slug;
    }
}
