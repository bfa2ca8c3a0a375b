using MudBlazor;

namespace Leadgate.Web.Components.Layout;

/// <summary>Leadgate's look: one theme for the signed-in app and the sign-in page.</summary>
public static class LeadgateTheme
{
    public static readonly MudTheme Theme = Create();

    private static MudTheme Create()
    {
        var theme = new MudTheme
        {
            PaletteLight = new PaletteLight
            {
                Primary = "#2F5BEA",
                Secondary = "#7C3AED",
                Tertiary = "#0E8C87",
                Info = "#0284C7",
                Success = "#15803D",
                Warning = "#B45309",
                Error = "#C2410C",
                AppbarBackground = "#111C3A",
                AppbarText = "#FFFFFF",
                Background = "#F4F6FB",
                DrawerBackground = "#FFFFFF",
                TextPrimary = "#1B2437",
                TextSecondary = "#5B6478",
                LinesDefault = "#E3E7EF",
                TableLines = "#E8EBF2",
            },
            LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px", DrawerWidthLeft = "220px" },
        };
        theme.Typography.Default.FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];
        theme.Typography.Button.TextTransform = "none";
        theme.Typography.Button.FontWeight = "600";
        return theme;
    }
}
