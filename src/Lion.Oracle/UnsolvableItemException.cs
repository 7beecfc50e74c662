namespace Lion.Oracle;

/// <summary>
/// An item the oracle will not answer: no family recognises it, or a clause does not parse.
/// The message says which; the oracle never guesses. A NotSupportedException: the endpoint
/// answers it as a request this model cannot serve (400), not as a server fault to retry.
/// </summary>
public sealed class UnsolvableItemException(string message) : NotSupportedException(message)
{
    public static UnsolvableItemException Clause(string family, string clause) =>
        new($"{family}: cannot read \"{Shorten(clause)}\"");

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
