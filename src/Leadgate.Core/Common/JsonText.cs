using System.Text.Json;

namespace Leadgate.Common;

/// <summary>Reading strings out of JSON that nobody has validated yet (public endpoints), without exceptions.</summary>
public static class JsonText
{
    /// <summary>The string, or null when it is not well-formed UTF-16 (an escaped lone surrogate such as <c>"\ud800"</c>).</summary>
    public static string? StringOf(JsonElement value)
    {
        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return null;
            }
        }

        return text;
    }
}
