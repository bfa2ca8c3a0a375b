namespace Leadgate.Accounts;

/// <summary>The four roles of PRODUCT.md §1. A user may hold several.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Marketing = "Marketing";
    public const string Sales = "Sales";
    public const string Manager = "Manager";

    public static readonly IReadOnlyList<string> All = [Admin, Marketing, Sales, Manager];

    /// <summary>The role's canonical spelling, whatever the case it was typed in; null when there is no such role.</summary>
    public static string? Normalise(string? role) =>
        All.FirstOrDefault(r => string.Equals(r, role?.Trim(), StringComparison.OrdinalIgnoreCase));
}
