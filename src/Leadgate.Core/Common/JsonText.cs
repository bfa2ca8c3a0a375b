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

        return IsWellFormed(text) ? text : null;
    }

    /// <summary>
    /// Whether every property name of an object is well-formed text. Check this before <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>
    /// or <see cref="JsonProperty.Name"/>: both throw on an escaped lone surrogate in any name of the object, not only the one asked for.
    /// </summary>
    public static bool NamesAreText(JsonElement value)
    {
        foreach (var property in value.EnumerateObject())
        {
            try
            {
                if (!IsWellFormed(property.Name))
                {
                    return false;
                }
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether every surrogate in the text is half of a pair.</summary>
    public static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
