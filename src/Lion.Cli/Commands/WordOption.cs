using System.CommandLine;
using Lion.Core;

namespace Lion.Cli.Commands;

/// <summary>An option whose value is one of an enum's <see cref="Vocabulary{T}"/> words, parsed into the enum where it enters.</summary>
internal static class WordOption
{
    public static Option<T> Create<T>(string name, string description, T defaultValue) where T : struct, Enum
    {
        var option = new Option<T>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result => Vocabulary<T>.TryParse(result.Tokens.Single().Value, out var value) ? value : default,
        };
        option.AcceptOnlyFromAmong([.. Vocabulary<T>.All]);
        return option;
    }

    /// <summary>As <see cref="Create{T}"/>, for an option that may be left out (null).</summary>
    public static Option<T?> Optional<T>(string name, string description) where T : struct, Enum
    {
        var option = new Option<T?>(name)
        {
            Description = description,
            CustomParser = result => Vocabulary<T>.TryParse(result.Tokens.Single().Value, out var value) ? value : null,
        };
        option.AcceptOnlyFromAmong([.. Vocabulary<T>.All]);
        return option;
    }
}
