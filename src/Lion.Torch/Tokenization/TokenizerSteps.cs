using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lion.Core;

namespace Lion.Torch.Tokenization;

/// <summary>
/// The normalizer, pre-tokenizer and decoder of a tokenizer.json, each read into a function with
/// the semantics of Hugging Face's tokenizers library for the types open models use. A type this
/// reader does not know is refused by name, never guessed.
/// </summary>
internal static class TokenizerSteps
{
    /// <summary>GPT-2's split of text into words, numbers, punctuation runs and whitespace (ByteLevel with use_regex).</summary>
    private static readonly Regex Gpt2Words = new(
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.Compiled);

    private static string Type(JsonNode node) => node["type"]?.GetValue<string>() ?? "";

    private static BadInputException Unknown(string path, string part, JsonNode node) =>
        BadInputException.InFile(path, $"{part} type \"{Type(node)}\" is not one lion reads");

    public static Func<string, string> Normalizer(JsonNode? node, string path) => node switch
    {
        null => text => text,
        _ when Type(node) == "Sequence" => (node["normalizers"] as JsonArray ?? []).Select(n => Normalizer(n, path))
            .Aggregate((Func<string, string>)(text => text), (before, next) => text => next(before(text))),
        _ when Type(node) == "NFC" => text => text.Normalize(NormalizationForm.FormC),
        _ when Type(node) == "NFD" => text => text.Normalize(NormalizationForm.FormD),
        _ when Type(node) == "NFKC" => text => text.Normalize(NormalizationForm.FormKC),
        _ when Type(node) == "NFKD" => text => text.Normalize(NormalizationForm.FormKD),
        _ when Type(node) == "Lowercase" => text => text.ToLowerInvariant(),
        _ when Type(node) == "Prepend" => node["prepend"]!.GetValue<string>() is var prefix ? text => text.Length == 0 ? text : prefix + text : null!,
        _ when Type(node) == "Replace" => Replacer(node, path),
        _ => throw Unknown(path, "normalizer", node),
    };

    private static Func<string, string> Replacer(JsonNode node, string path)
    {
        string content = node["content"]!.GetValue<string>();
        return node["pattern"] switch
        {
            JsonObject p when p["String"] is { } literal => text => text.Replace(literal.GetValue<string>(), content, StringComparison.Ordinal),
            JsonObject p when p["Regex"] is { } pattern => new Regex(pattern.GetValue<string>()) is var regex ? text => regex.Replace(text, content) : null!,
            _ => throw BadInputException.InFile(path, "a Replace step has neither a String nor a Regex pattern"),
        };
    }

    /// <summary>Splits normalized text into the words the model tokenizes, each in the model's alphabet.</summary>
    public static Func<string, IEnumerable<string>> PreTokenizer(JsonNode? node, string path) => node switch
    {
        null => text => [text],
        _ when Type(node) == "Sequence" => (node["pretokenizers"] as JsonArray ?? []).Select(n => PreTokenizer(n, path))
            .Aggregate((Func<string, IEnumerable<string>>)(text => [text]), (before, next) => text => before(text).SelectMany(next)),
        _ when Type(node) == "ByteLevel" => ByteLevel(node),
        _ when Type(node) == "Split" => Split(node, path),
        _ when Type(node) == "Metaspace" => Metaspace(node),
        _ when Type(node) == "Whitespace" => text => Regex.Matches(text, @"\w+|[^\w\s]+").Select(m => m.Value),
        _ when Type(node) == "WhitespaceSplit" => text => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries),
        _ when Type(node) == "Digits" => node["individual_digits"]?.GetValue<bool>() == true
            ? text => Pieces(text, new Regex(@"\p{N}"), "Isolated")
            : text => Pieces(text, new Regex(@"\p{N}+"), "Isolated"),
        _ => throw Unknown(path, "pre_tokenizer", node),
    };

    private static Func<string, IEnumerable<string>> ByteLevel(JsonNode node)
    {
        bool prefixSpace = node["add_prefix_space"]?.GetValue<bool>() == true;
        bool useRegex = node["use_regex"]?.GetValue<bool>() ?? true;
        return text =>
        {
            if (prefixSpace && !text.StartsWith(' '))
                text = " " + text;
            var words = useRegex ? Gpt2Words.Matches(text).Select(m => m.Value) : [text];
            return words.Select(word => ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(word)));
        };
    }

    private static Func<string, IEnumerable<string>> Split(JsonNode node, string path)
    {
        var regex = node["pattern"] switch
        {
            JsonObject p when p["Regex"] is { } pattern => new Regex(pattern.GetValue<string>()),
            JsonObject p when p["String"] is { } literal => new Regex(Regex.Escape(literal.GetValue<string>())),
            _ => throw BadInputException.InFile(path, "a Split pre_tokenizer has neither a String nor a Regex pattern"),
        };
        string behavior = node["behavior"]?.GetValue<string>() ?? "Isolated";
        if (node["invert"]?.GetValue<bool>() == true)
            return text => regex.Matches(text).Select(m => m.Value);
        if (behavior is not ("Isolated" or "Removed" or "MergedWithPrevious" or "MergedWithNext"))
            throw BadInputException.InFile(path, $"Split behavior \"{behavior}\" is not one lion reads");
        return text => Pieces(text, regex, behavior);
    }

    /// <summary>The text cut at each match: matches alone (Isolated), dropped (Removed), or joined to the piece before or after.</summary>
    private static List<string> Pieces(string text, Regex regex, string behavior)
    {
        var pieces = new List<(string Text, bool Match)>();
        int at = 0;
        foreach (Match match in regex.Matches(text))
        {
            if (match.Length == 0)
                continue;
            if (match.Index > at)
                pieces.Add((text[at..match.Index], false));
            pieces.Add((match.Value, true));
            at = match.Index + match.Length;
        }
        if (at < text.Length)
            pieces.Add((text[at..], false));
        var result = new List<string>();
        switch (behavior)
        {
            case "Removed":
                result.AddRange(pieces.Where(p => !p.Match).Select(p => p.Text));
                break;
            case "MergedWithPrevious":
                foreach (var (piece, match) in pieces)
                    if (match && result.Count > 0) result[^1] += piece; else result.Add(piece);
                break;
            case "MergedWithNext":
                string pending = "";
                foreach (var (piece, match) in pieces)
                {
                    if (match) { if (pending.Length > 0) result.Add(pending); pending = piece; }
                    else { result.Add(pending + piece); pending = ""; }
                }
                if (pending.Length > 0) result.Add(pending);
                break;
            default:
                result.AddRange(pieces.Select(p => p.Text));
                break;
        }
        return result;
    }

    private static Func<string, IEnumerable<string>> Metaspace(JsonNode node)
    {
        string replacement = node["replacement"]?.GetValue<string>() ?? "▁";
        string scheme = node["prepend_scheme"]?.GetValue<string>() ?? (node["add_prefix_space"]?.GetValue<bool>() == false ? "never" : "always");
        bool split = node["split"]?.GetValue<bool>() ?? true;
        var marker = new Regex(Regex.Escape(replacement));
        return text =>
        {
            text = text.Replace(" ", replacement, StringComparison.Ordinal);
            if (scheme is "always" or "first" && !text.StartsWith(replacement, StringComparison.Ordinal))
                text = replacement + text;
            return split ? Pieces(text, marker, "MergedWithNext") : [text];
        };
    }

    /// <summary>Turns the tokens of a sequence back into text.</summary>
    public static Func<List<string>, string> Decoder(JsonNode? node, string path) => node switch
    {
        // Without a decoder the library joins the tokens with spaces.
        null => tokens => string.Join(' ', tokens),
        _ => Steps(node, path) is var steps ? tokens => string.Concat(steps(tokens)) : null!,
    };

    private static Func<List<string>, List<string>> Steps(JsonNode node, string path) => Type(node) switch
    {
        "Sequence" => (node["decoders"] as JsonArray ?? []).Select(d => Steps(d!, path))
            .Aggregate((Func<List<string>, List<string>>)(tokens => tokens), (before, next) => tokens => next(before(tokens))),
        "ByteLevel" => tokens => [Encoding.UTF8.GetString(ByteLevelAlphabet.Decode(string.Concat(tokens)))],
        "Replace" => Replacer(node, path) is var replace ? tokens => tokens.Select(replace).ToList() : null!,
        "ByteFallback" => ByteFallback,
        "Fuse" => tokens => [string.Concat(tokens)],
        "Strip" => Strip(node),
        "Metaspace" => MetaspaceDecoder(node),
        _ => throw Unknown(path, "decoder", node),
    };

    /// <summary>Runs of &lt;0xAB&gt; tokens become the text their bytes spell (a byte that spells nothing becomes U+FFFD).</summary>
    private static List<string> ByteFallback(List<string> tokens)
    {
        var result = new List<string>();
        var bytes = new List<byte>();
        void Flush()
        {
            if (bytes.Count == 0) return;
            string text = new UTF8Encoding(false, true) is var strict && TryDecode(strict, bytes, out var decoded) ? decoded : new string('\uFFFD', bytes.Count);
            result.Add(text);
            bytes.Clear();
        }
        foreach (var token in tokens)
        {
            if (token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token.EndsWith('>')
                && byte.TryParse(token.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out byte b))
                bytes.Add(b);
            else
            {
                Flush();
                result.Add(token);
            }
        }
        Flush();
        return result;
    }

    private static bool TryDecode(Encoding strict, List<byte> bytes, out string text)
    {
        try
        {
            text = strict.GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    private static Func<List<string>, List<string>> Strip(JsonNode node)
    {
        string content = node["content"]?.GetValue<string>() ?? " ";
        int start = node["start"]?.GetValue<int>() ?? 0, stop = node["stop"]?.GetValue<int>() ?? 0;
        return tokens => tokens.Select(token =>
        {
            int from = 0, to = token.Length;
            for (int i = 0; i < start && from < to && token.AsSpan(from).StartsWith(content, StringComparison.Ordinal); i++) from += content.Length;
            for (int i = 0; i < stop && to > from && token.AsSpan(from, to - from).EndsWith(content, StringComparison.Ordinal); i++) to -= content.Length;
            return token[from..to];
        }).ToList();
    }

    private static Func<List<string>, List<string>> MetaspaceDecoder(JsonNode node)
    {
        string replacement = node["replacement"]?.GetValue<string>() ?? "▁";
        string scheme = node["prepend_scheme"]?.GetValue<string>() ?? (node["add_prefix_space"]?.GetValue<bool>() == false ? "never" : "always");
        return tokens => tokens.Select((token, i) =>
        {
            string text = token.Replace(replacement, " ", StringComparison.Ordinal);
            return i == 0 && scheme != "never" && text.StartsWith(' ') ? text[1..] : text;
        }).ToList();
    }
}
