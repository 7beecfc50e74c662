namespace Lion.Core.Data;

/// <summary>The file formats seeds are imported from.</summary>
public enum SeedFormat
{
    /// <summary>A JSON array of {instruction, input?, output?} objects.</summary>
    AlpacaJson,

    /// <summary>One {instruction, input?, output?} object per line.</summary>
    JsonLines,

    /// <summary>One instruction per line.</summary>
    PlainText,
}
