namespace Leadgate.Web.Resources;

/// <summary>
/// Names the UI's texts: <c>SharedResource.resx</c> (English) and <c>SharedResource.nl.resx</c> (Dutch). Components take
/// <c>IStringLocalizer&lt;SharedResource&gt;</c>; the type's full name is the resource name, so no ResourcesPath is needed.
/// </summary>
public sealed class SharedResource;
